#include "counter.h"

/// initialize: create the authority's Counter PDA with count 0 and its canonical bump.
///
/// Accounts:
///   0. [writable, signer] authority - pays the rent, becomes the counter's authority
///   1. [writable] counter - PDA ["counter", authority]; must not exist yet
///   2. [] system_program
uint64_t counter_initialize(const GtxInput *in) {
  GTX_REQUIRE(counter_initialize_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= COUNTER_IX_INITIALIZE_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *authority = &in->accounts[COUNTER_IX_INITIALIZE_AUTHORITY];
  const GtxAccountInfo *counter = &in->accounts[COUNTER_IX_INITIALIZE_COUNTER];
  const GtxAccountInfo *system = &in->accounts[COUNTER_IX_INITIALIZE_SYSTEM_PROGRAM];
  /* 2. signer */
  GTX_REQUIRE(authority->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  /* 3. writable */
  GTX_REQUIRE(authority->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  GTX_REQUIRE(counter->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. owner: the counter must still belong to the System program (else it already exists) */
  GTX_REQUIRE(gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_is_owned_by(counter, &GTX_SYSTEM_PROGRAM_ID), GTX_E_ACCOUNT_NOT_SYSTEM_OWNED);
  /* 5. size: nothing allocated yet */
  GTX_REQUIRE(counter->data_len == 0, GTX_E_CONSTRAINT_SPACE);
  /* 6. discriminator: none yet (new account). 7. PDA: find the canonical bump. */
  GtxSlice seeds[3];
  uint64_t n = counter_seeds(seeds, COUNTER_SEED, authority->key, NULL);
  GtxPubkey expected;
  uint8_t bump;
  GTX_REQUIRE(gtx_pda_find(seeds, n, in->program_id, &expected, &bump), GTX_E_CONSTRAINT_SEEDS);
  GTX_REQUIRE(gtx_pubkey_eq(&expected, counter->key), GTX_E_CONSTRAINT_SEEDS);
  /* 8. create the account through the System program, the PDA signing with its seeds */
  n = counter_seeds(seeds, COUNTER_SEED, authority->key, &bump);
  GtxSigner signer = {seeds, n};
  uint64_t err = gtx_init_pda_account(authority, counter, COUNTER_ACCOUNT_COUNTER_LEN, in->program_id, &signer);
  if (err) return err;
  /* 9. write */
  uint8_t *d = counter->data;
  gtx_disc_write(d, COUNTER_ACCOUNT_COUNTER_DISC);
  gtx_pubkey_copy(counter_counter_authority(d), authority->key);
  counter_counter_set_count(d, 0);
  counter_counter_set_bump(d, bump);
  return GTX_SUCCESS;
}
