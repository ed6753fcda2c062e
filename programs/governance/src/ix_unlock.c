#include "governance.h"

/// unlock: Trading, ending a green sell order (cancel or close), clears the lock that order holds;
/// what was not delivered returns to free volume. Only Trading's market PDA can sign. Works on a
/// revoked certificate too, so an order can always be cancelled.
///
/// Accounts:
///   0. [signer] market - Trading's market PDA ["market"]
///   1. [writable] certificate
///   2. [] order - the Trading sell order holding the lock
uint64_t governance_unlock(const GtxInput *in) {
  GTX_REQUIRE(governance_unlock_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= GOVERNANCE_IX_UNLOCK_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *market = &in->accounts[GOVERNANCE_IX_UNLOCK_MARKET];
  const GtxAccountInfo *certificate = &in->accounts[GOVERNANCE_IX_UNLOCK_CERTIFICATE];
  const GtxAccountInfo *order = &in->accounts[GOVERNANCE_IX_UNLOCK_ORDER];
  /* 2. signer: Trading's market PDA */
  GTX_REQUIRE(market->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(gtx_pubkey_eq(market->key, &TRADING_PDA_MARKET), GOVERNANCE_ERR_NOT_MARKET);
  /* 3. writable */
  GTX_REQUIRE(certificate->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. the certificate (the order only has to be the one that holds the lock) */
  uint64_t err = governance_check_certificate(in, certificate);
  if (err) return err;
  uint8_t *d = certificate->data;
  /* 8. this order holds the lock (a zero key is never an order's) */
  GtxPubkey *locked_order = governance_certificate_locked_order(d);
  GTX_REQUIRE(!gtx_pubkey_is_zero(locked_order) && gtx_pubkey_eq(locked_order, order->key),
              GOVERNANCE_ERR_NOT_LOCKED_BY_ORDER);
  /* 9. write */
  uint64_t released = governance_certificate_get_locked_wh(d);
  governance_certificate_set_locked_wh(d, 0);
  governance_pubkey_clear(locked_order);
  /* 10. event */
  governance_emit_certificate_unlocked(certificate->key, order->key, released);
  return GTX_SUCCESS;
}
