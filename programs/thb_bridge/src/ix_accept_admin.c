#include "thb_bridge.h"

/// accept_admin: second step of the hand-over; the pending admin signs and takes over.
///
/// Accounts:
///   0. [signer] new_admin - must be the bridge's pending admin
///   1. [writable] bridge - PDA ["bridge"]
uint64_t thb_bridge_accept_admin(const GtxInput *in) {
  GTX_REQUIRE(thb_bridge_accept_admin_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= THB_BRIDGE_IX_ACCEPT_ADMIN_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *signer = &in->accounts[THB_BRIDGE_IX_ACCEPT_ADMIN_NEW_ADMIN];
  const GtxAccountInfo *bridge = &in->accounts[THB_BRIDGE_IX_ACCEPT_ADMIN_BRIDGE];
  /* 2. signer, 3. writable */
  GTX_REQUIRE(signer->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(bridge->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. owner, size, discriminator, PDA */
  uint64_t err = thb_bridge_check_bridge(in, bridge);
  if (err) return err;
  uint8_t *d = bridge->data;
  /* 8. a hand-over is pending, to this signer (a zero pending key can never sign) */
  GtxPubkey *pending = thb_bridge_bridge_pending_admin(d);
  GTX_REQUIRE(!gtx_pubkey_is_zero(pending) && gtx_pubkey_eq(pending, signer->key), THB_BRIDGE_ERR_NOT_PENDING_ADMIN);
  /* 9. write: keep the previous key for the event, then clear the pending slot */
  GtxPubkey previous;
  gtx_pubkey_copy(&previous, thb_bridge_bridge_admin(d));
  gtx_pubkey_copy(thb_bridge_bridge_admin(d), signer->key);
  thb_bridge_clear32(pending->x);
  /* 10. event */
  thb_bridge_emit_admin_transferred(&previous, signer->key);
  return GTX_SUCCESS;
}
