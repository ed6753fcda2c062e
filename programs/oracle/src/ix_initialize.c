#include "oracle.h"

/// initialize(authority, limits): create the Oracle PDA with `authority`, no feeders, no price.
///
/// Only the deploy authority fixed at build time (the IDL constant DEPLOY_AUTHORITY) may call it:
/// on a fresh deployment nobody else can take the oracle by calling first. Any payer.
///
/// Accounts:
///   0. [writable, signer] payer - pays the rent
///   1. [signer] deployer - must be DEPLOY_AUTHORITY
///   2. [writable] oracle - PDA ["oracle"]; must not exist yet
///   3. [] system_program
uint64_t oracle_initialize(const GtxInput *in) {
  OracleInitializeArgs args;
  GTX_REQUIRE(oracle_initialize_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= ORACLE_IX_INITIALIZE_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *payer = &in->accounts[ORACLE_IX_INITIALIZE_PAYER];
  const GtxAccountInfo *deployer = &in->accounts[ORACLE_IX_INITIALIZE_DEPLOYER];
  const GtxAccountInfo *oracle = &in->accounts[ORACLE_IX_INITIALIZE_ORACLE];
  const GtxAccountInfo *system = &in->accounts[ORACLE_IX_INITIALIZE_SYSTEM_PROGRAM];
  /* 2. signers */
  GTX_REQUIRE(payer->is_signer && deployer->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  /* 3. writable */
  GTX_REQUIRE(payer->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  GTX_REQUIRE(oracle->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. owner: the oracle must still belong to the System program (else it already exists) */
  GTX_REQUIRE(gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_is_owned_by(oracle, &GTX_SYSTEM_PROGRAM_ID), GTX_E_ACCOUNT_NOT_SYSTEM_OWNED);
  /* 5. size: nothing allocated yet */
  GTX_REQUIRE(oracle->data_len == 0, GTX_E_CONSTRAINT_SPACE);
  /* 6. discriminator: none yet. 7. PDA: find the canonical bump (sha256 + curve test per try,
   * the same bump as sol_try_find_program_address at a fraction of the cost). */
  GtxSlice seeds[2];
  uint64_t n = oracle_seeds(seeds, NULL);
  GtxPubkey expected;
  uint8_t bump;
  GTX_REQUIRE(gtx_pda_find_fast(seeds, n, in->program_id, &expected, &bump), GTX_E_CONSTRAINT_SEEDS);
  GTX_REQUIRE(gtx_pubkey_eq(&expected, oracle->key), GTX_E_CONSTRAINT_SEEDS);
  /* 8. who may deploy; the limits make sense */
  GTX_REQUIRE(gtx_pubkey_eq(deployer->key, &ORACLE_CONST_DEPLOY_AUTHORITY), ORACLE_ERR_NOT_DEPLOY_AUTHORITY);
  const OracleOracleLimits *l = &args.limits;
  GTX_REQUIRE(oracle_limits_valid(l), ORACLE_ERR_INVALID_LIMITS);
  /* create the account through the System program, the PDA signing with its seeds */
  n = oracle_seeds(seeds, &bump);
  GtxSigner signer = {seeds, n};
  uint64_t err = gtx_init_pda_account(payer, oracle, ORACLE_ACCOUNT_ORACLE_LEN, in->program_id, &signer);
  if (err) return err;
  /* 9. write: the System program hands over zeroed data, so only non-zero fields are set */
  uint8_t *d = oracle->data;
  gtx_disc_write(d, ORACLE_ACCOUNT_ORACLE_DISC);
  gtx_pubkey_copy(oracle_oracle_authority(d), args.authority);
  oracle_write_limits(d, l);
  oracle_oracle_set_bump(d, bump);
  /* 10. event */
  oracle_emit_oracle_initialized(args.authority, l->min_price, l->max_price, l->max_staleness_secs,
                                 l->min_update_interval_secs, l->max_jump_bps);
  return GTX_SUCCESS;
}
