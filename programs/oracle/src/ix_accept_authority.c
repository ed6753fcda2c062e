#include "oracle.h"

/// accept_authority: second step of the hand-over; the pending authority signs and takes over.
///
/// Accounts:
///   0. [signer] new_authority - must be the oracle's pending authority
///   1. [writable] oracle - PDA ["oracle"]
uint64_t oracle_accept_authority(const GtxInput *in) {
  GTX_REQUIRE(oracle_accept_authority_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= ORACLE_IX_ACCEPT_AUTHORITY_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *signer = &in->accounts[ORACLE_IX_ACCEPT_AUTHORITY_NEW_AUTHORITY];
  const GtxAccountInfo *oracle = &in->accounts[ORACLE_IX_ACCEPT_AUTHORITY_ORACLE];
  /* 2. signer, 3. writable */
  GTX_REQUIRE(signer->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(oracle->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. owner, size, discriminator, PDA */
  uint64_t err = oracle_check_account(in, oracle);
  if (err) return err;
  uint8_t *d = oracle->data;
  /* 8. a hand-over is pending, to this signer (a zero pending key can never sign) */
  GtxPubkey *pending = oracle_oracle_pending_authority(d);
  GTX_REQUIRE(!gtx_pubkey_is_zero(pending) && gtx_pubkey_eq(pending, signer->key), ORACLE_ERR_NOT_PENDING_AUTHORITY);
  /* 9. write: keep the previous key for the event, then clear the pending slot */
  GtxPubkey previous;
  gtx_pubkey_copy(&previous, oracle_oracle_authority(d));
  gtx_pubkey_copy(oracle_oracle_authority(d), signer->key);
  oracle_pubkey_clear(pending);
  /* 10. event */
  oracle_emit_authority_transferred(&previous, signer->key);
  return GTX_SUCCESS;
}
