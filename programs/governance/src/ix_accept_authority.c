#include "governance.h"

/// accept_authority: second step of the hand-over; the pending authority signs and takes over.
///
/// Accounts:
///   0. [signer] new_authority - must be the pending authority
///   1. [writable] governance - PDA ["governance"]
uint64_t governance_accept_authority(const GtxInput *in) {
  GTX_REQUIRE(governance_accept_authority_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= GOVERNANCE_IX_ACCEPT_AUTHORITY_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *signer = &in->accounts[GOVERNANCE_IX_ACCEPT_AUTHORITY_NEW_AUTHORITY];
  const GtxAccountInfo *governance = &in->accounts[GOVERNANCE_IX_ACCEPT_AUTHORITY_GOVERNANCE];
  /* 2. signer, 3. writable */
  GTX_REQUIRE(signer->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(governance->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. owner, size, discriminator, PDA */
  uint64_t err = governance_check_governance(in, governance);
  if (err) return err;
  uint8_t *d = governance->data;
  /* 8. a hand-over is pending, to this signer (a zero pending key can never sign) */
  GtxPubkey *pending = governance_governance_pending_authority(d);
  GTX_REQUIRE(!gtx_pubkey_is_zero(pending) && gtx_pubkey_eq(pending, signer->key), GOVERNANCE_ERR_NOT_PENDING_AUTHORITY);
  /* 9. write */
  GtxPubkey previous;
  gtx_pubkey_copy(&previous, governance_governance_authority(d));
  gtx_pubkey_copy(governance_governance_authority(d), signer->key);
  governance_pubkey_clear(pending);
  /* 10. event */
  governance_emit_authority_transferred(&previous, signer->key);
  return GTX_SUCCESS;
}
