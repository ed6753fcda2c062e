#include "counter.h"

uint64_t counter_check_account(const GtxInput *in, const GtxAccountInfo *counter) {
  /* owner, exact size, discriminator */
  GTX_REQUIRE(gtx_is_owned_by(counter, in->program_id), GTX_E_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  GTX_REQUIRE(counter->data_len == COUNTER_ACCOUNT_COUNTER_LEN, GTX_E_ACCOUNT_DID_NOT_DESERIALIZE);
  GTX_REQUIRE(gtx_disc_is(counter->data, COUNTER_ACCOUNT_COUNTER_DISC), GTX_E_ACCOUNT_DISCRIMINATOR_MISMATCH);
  /* PDA from the stored authority and bump: one hash, no bump search */
  uint8_t *d = counter->data;
  GtxSlice seeds[3];
  uint64_t n = counter_seeds(seeds, COUNTER_SEED, counter_counter_authority(d), d + COUNTER_ACCOUNT_COUNTER_BUMP_OFF);
  GTX_REQUIRE(gtx_pda_check(seeds, n, in->program_id, counter->key), GTX_E_CONSTRAINT_SEEDS);
  return GTX_SUCCESS;
}

/// Shared body of increment and add.
///
/// Accounts:
///   0. [signer] authority - must be the counter's stored authority
///   1. [writable] counter - PDA ["counter", authority]
uint64_t counter_apply_add(const GtxInput *in, uint64_t amount) {
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= COUNTER_IX_ADD_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *authority = &in->accounts[COUNTER_IX_ADD_AUTHORITY];
  const GtxAccountInfo *counter = &in->accounts[COUNTER_IX_ADD_COUNTER];
  /* 2. signer, 3. writable */
  GTX_REQUIRE(authority->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(counter->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-6. owner, exact size, discriminator; then the has_one relation; 7. PDA */
  GTX_REQUIRE(gtx_is_owned_by(counter, in->program_id), GTX_E_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  GTX_REQUIRE(counter->data_len == COUNTER_ACCOUNT_COUNTER_LEN, GTX_E_ACCOUNT_DID_NOT_DESERIALIZE);
  uint8_t *d = counter->data;
  GTX_REQUIRE(gtx_disc_is(d, COUNTER_ACCOUNT_COUNTER_DISC), GTX_E_ACCOUNT_DISCRIMINATOR_MISMATCH);
  GTX_REQUIRE(gtx_pubkey_eq(counter_counter_authority(d), authority->key), COUNTER_ERR_UNAUTHORIZED);
  GtxSlice seeds[3];
  uint64_t n = counter_seeds(seeds, COUNTER_SEED, authority->key, d + COUNTER_ACCOUNT_COUNTER_BUMP_OFF);
  GTX_REQUIRE(gtx_pda_check(seeds, n, in->program_id, counter->key), GTX_E_CONSTRAINT_SEEDS);
  /* 8. checked math */
  uint64_t next;
  GTX_REQUIRE(gtx_add(counter_counter_get_count(d), amount, &next), COUNTER_ERR_OVERFLOW);
  /* 9. write, 10. event */
  counter_counter_set_count(d, next);
  counter_emit_counter_incremented(authority->key, counter->key, amount, next);
  return GTX_SUCCESS;
}
