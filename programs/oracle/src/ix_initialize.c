#include "oracle.h"

/// initialize(limits): create the Oracle PDA with the signer as authority, no feeders, no price.
///
/// The first caller becomes the authority, so deploy and initialize back to back and check the
/// OracleInitialized event (or hand over with transfer_authority).
///
/// Accounts:
///   0. [writable, signer] authority - pays the rent, becomes the oracle's authority
///   1. [writable] oracle - PDA ["oracle"]; must not exist yet
///   2. [] system_program
uint64_t oracle_initialize(const GtxInput *in) {
  OracleInitializeArgs args;
  GTX_REQUIRE(oracle_initialize_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= ORACLE_IX_INITIALIZE_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *authority = &in->accounts[ORACLE_IX_INITIALIZE_AUTHORITY];
  const GtxAccountInfo *oracle = &in->accounts[ORACLE_IX_INITIALIZE_ORACLE];
  const GtxAccountInfo *system = &in->accounts[ORACLE_IX_INITIALIZE_SYSTEM_PROGRAM];
  /* 2. signer */
  GTX_REQUIRE(authority->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  /* 3. writable */
  GTX_REQUIRE(authority->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
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
  /* 8. the limits make sense */
  const OracleOracleLimits *l = &args.limits;
  GTX_REQUIRE(oracle_limits_valid(l), ORACLE_ERR_INVALID_LIMITS);
  /* create the account through the System program, the PDA signing with its seeds */
  n = oracle_seeds(seeds, &bump);
  GtxSigner signer = {seeds, n};
  uint64_t err = gtx_init_pda_account(authority, oracle, ORACLE_ACCOUNT_ORACLE_LEN, in->program_id, &signer);
  if (err) return err;
  /* 9. write: the System program hands over zeroed data, so only non-zero fields are set */
  uint8_t *d = oracle->data;
  gtx_disc_write(d, ORACLE_ACCOUNT_ORACLE_DISC);
  gtx_pubkey_copy(oracle_oracle_authority(d), authority->key);
  oracle_write_limits(d, l);
  oracle_oracle_set_bump(d, bump);
  /* 10. event */
  oracle_emit_oracle_initialized(authority->key, l->min_price, l->max_price, l->max_staleness_secs,
                                 l->min_update_interval_secs, l->max_jump_bps);
  return GTX_SUCCESS;
}
