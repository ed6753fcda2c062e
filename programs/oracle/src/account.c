#include "oracle.h"

/* Steps 4-7 for an existing Oracle account: owner, exact size, discriminator, and the PDA
 * re-derived from the stored bump: one sha256 (~150 CU) instead of sol_create_program_address
 * (1,500 CU). The curve test is not needed here: initialize found the address off the curve. */
uint64_t oracle_check_account(const GtxInput *in, const GtxAccountInfo *oracle) {
  GTX_REQUIRE(gtx_is_owned_by(oracle, in->program_id), GTX_E_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  GTX_REQUIRE(oracle->data_len == ORACLE_ACCOUNT_ORACLE_LEN, GTX_E_ACCOUNT_DID_NOT_DESERIALIZE);
  uint8_t *d = oracle->data;
  GTX_REQUIRE(gtx_disc_is(d, ORACLE_ACCOUNT_ORACLE_DISC), GTX_E_ACCOUNT_DISCRIMINATOR_MISMATCH);
  GtxSlice seeds[2];
  uint64_t n = oracle_seeds(seeds, d + ORACLE_ACCOUNT_ORACLE_BUMP_OFF);
  GTX_REQUIRE(gtx_pda_verify(seeds, n, in->program_id, oracle->key), GTX_E_CONSTRAINT_SEEDS);
  return GTX_SUCCESS;
}

/// The common account checks of every authority-only instruction (add_feeder, remove_feeder,
/// set_limits, transfer_authority), in the fixed order, ending with the has_one check.
///
/// Accounts:
///   0. [signer] authority - must be the oracle's stored authority
///   1. [writable] oracle - PDA ["oracle"]
uint64_t oracle_admin_accounts(const GtxInput *in, const GtxAccountInfo **authority_out,
                               const GtxAccountInfo **oracle_out) {
  /* 1. account count (every admin instruction has the same two accounts) */
  GTX_REQUIRE(in->account_count >= ORACLE_IX_ADD_FEEDER_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *authority = &in->accounts[ORACLE_IX_ADD_FEEDER_AUTHORITY];
  const GtxAccountInfo *oracle = &in->accounts[ORACLE_IX_ADD_FEEDER_ORACLE];
  /* 2. signer, 3. writable */
  GTX_REQUIRE(authority->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(oracle->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. owner, size, discriminator, PDA */
  uint64_t err = oracle_check_account(in, oracle);
  if (err) return err;
  /* 8. the signer is the stored authority */
  GTX_REQUIRE(gtx_pubkey_eq(oracle_oracle_authority(oracle->data), authority->key), ORACLE_ERR_UNAUTHORIZED);
  *authority_out = authority;
  *oracle_out = oracle;
  return GTX_SUCCESS;
}

/* Index of `key` among the authorised feeders, or -1. */
int64_t oracle_feeder_index(uint8_t *d, const GtxPubkey *key) {
  uint64_t n = oracle_feeder_count(d);
  for (uint64_t i = 0; i < n; i++)
    if (gtx_pubkey_eq(oracle_feeder_at(d, i), key)) return (int64_t)i;
  return -1;
}
