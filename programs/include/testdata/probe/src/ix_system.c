#include "probe.h"

/// system_transfer(lamports): move lamports out of the system-owned PDA ["vault", bump].
/// Accounts:
///   0. [writable] vault - PDA ["vault"], system-owned
///   1. [writable] to
///   2. [] system_program
uint64_t probe_system_transfer(const GtxInput *in) {
  ProbeSystemTransferArgs a;
  GTX_REQUIRE(probe_system_transfer_decode(in, &a), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  GTX_REQUIRE(in->account_count >= PROBE_IX_SYSTEM_TRANSFER_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *vault = &in->accounts[0], *to = &in->accounts[1];
  static const uint8_t seed[PROBE_CONST_VAULT_SEED_LEN] = PROBE_CONST_VAULT_SEED_BYTES;
  GtxSlice seeds[2] = {GTX_SEED(seed, sizeof(seed)), {NULL, 1}};
  GtxPubkey pda;
  uint8_t bump;
  GTX_REQUIRE(gtx_pda_find(seeds, 1, in->program_id, &pda, &bump), GTX_E_CONSTRAINT_SEEDS);
  GTX_REQUIRE(gtx_pubkey_eq(&pda, vault->key), GTX_E_CONSTRAINT_SEEDS);
  seeds[1].addr = &bump;
  GtxSigner signer = {seeds, 2};
  return gtx_system_transfer(vault, to, a.lamports, &signer, 1);
}
