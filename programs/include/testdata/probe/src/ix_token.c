#include "probe.h"

/// token(op, amount, decimals): SPL Token CPIs signed by the PDA ["authority", bump].
/// Accounts:
///   0. [] token_program (Token or Token-2022)
///   1. [writable] mint
///   2. [writable] first - destination of mint_to; source of transfer/burn/close
///   3. [writable] second - destination of transfer / close
///   4. [] authority - the PDA ["authority"]
uint64_t probe_token(const GtxInput *in) {
  ProbeTokenArgs a;
  GTX_REQUIRE(probe_token_decode(in, &a), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  GTX_REQUIRE(in->account_count >= PROBE_IX_TOKEN_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *program = &in->accounts[0], *mint = &in->accounts[1];
  const GtxAccountInfo *first = &in->accounts[2], *second = &in->accounts[3], *authority = &in->accounts[4];
  GTX_REQUIRE(gtx_is_token_program(program->key), GTX_E_INVALID_PROGRAM_ID);
  static const uint8_t seed[PROBE_CONST_AUTHORITY_SEED_LEN] = PROBE_CONST_AUTHORITY_SEED_BYTES;
  GtxSlice seeds[2] = {GTX_SEED(seed, sizeof(seed)), {NULL, 1}};
  GtxPubkey pda;
  uint8_t bump;
  GTX_REQUIRE(gtx_pda_find(seeds, 1, in->program_id, &pda, &bump), GTX_E_CONSTRAINT_SEEDS);
  GTX_REQUIRE(gtx_pubkey_eq(&pda, authority->key), GTX_E_CONSTRAINT_SEEDS);
  seeds[1].addr = &bump;
  GtxSigner signer = {seeds, 2};
  switch (a.op) {
    case 0: return gtx_token_mint_to(program->key, mint, first, authority, a.amount, &signer, 1);
    case 1: return gtx_token_transfer(program->key, first, second, authority, a.amount, &signer, 1);
    case 2:
      return gtx_token_transfer_checked(program->key, first, mint, second, authority, a.amount, a.decimals, &signer, 1);
    case 3: return gtx_token_burn(program->key, first, mint, authority, a.amount, &signer, 1);
    case 4: return gtx_token_close_account(program->key, first, second, authority, &signer, 1);
    default: return GTX_FAIL(PROBE_ERR_BAD_OP);
  }
}
