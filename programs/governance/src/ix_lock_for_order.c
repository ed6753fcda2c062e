#include "governance.h"

/// lock_for_order(volume_wh): Trading, creating a green sell order, locks volume_wh of a
/// certificate for it. Only Trading's market PDA (TRADING_PDA_MARKET) can sign, so only Trading's
/// CPI can call it. The certificate must be Validated, owned by the order's owner (who signs), hold
/// no lock (one certificate backs one order at a time) and have that much free volume.
///
/// Accounts:
///   0. [signer] market - Trading's market PDA ["market"]
///   1. [writable] certificate
///   2. [] order - the Trading sell order
///   3. [signer] owner - the order's and the certificate's owner
uint64_t governance_lock_for_order(const GtxInput *in) {
  GovernanceLockForOrderArgs args;
  GTX_REQUIRE(governance_lock_for_order_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= GOVERNANCE_IX_LOCK_FOR_ORDER_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *market = &in->accounts[GOVERNANCE_IX_LOCK_FOR_ORDER_MARKET];
  const GtxAccountInfo *certificate = &in->accounts[GOVERNANCE_IX_LOCK_FOR_ORDER_CERTIFICATE];
  const GtxAccountInfo *order = &in->accounts[GOVERNANCE_IX_LOCK_FOR_ORDER_ORDER];
  const GtxAccountInfo *owner = &in->accounts[GOVERNANCE_IX_LOCK_FOR_ORDER_OWNER];
  /* 2. signers: Trading's market PDA (only Trading can sign for it) and the owner */
  GTX_REQUIRE(market->is_signer && owner->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(gtx_pubkey_eq(market->key, &TRADING_PDA_MARKET), GOVERNANCE_ERR_NOT_MARKET);
  /* 3. writable */
  GTX_REQUIRE(certificate->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. the certificate; the order is Trading's */
  uint64_t err = governance_check_certificate(in, certificate);
  if (err) return err;
  GTX_REQUIRE(governance_is_trading_order(order), GOVERNANCE_ERR_INVALID_ORDER);
  uint8_t *d = certificate->data;
  /* 8. whose, which status, no lock yet, enough free volume */
  GTX_REQUIRE(gtx_pubkey_eq(governance_certificate_owner(d), owner->key), GOVERNANCE_ERR_NOT_CERTIFICATE_OWNER);
  GTX_REQUIRE(gtx_pubkey_eq(governance_order_owner(order), owner->key), GOVERNANCE_ERR_NOT_ORDER_OWNER);
  uint8_t status = governance_certificate_get_status(d);
  GTX_REQUIRE(status != GOVERNANCE_ENUM_CERTIFICATE_STATUS_REVOKED, GOVERNANCE_ERR_CERTIFICATE_IS_REVOKED);
  GTX_REQUIRE(status == GOVERNANCE_ENUM_CERTIFICATE_STATUS_VALIDATED, GOVERNANCE_ERR_NOT_VALIDATED);
  GTX_REQUIRE(gtx_pubkey_is_zero(governance_certificate_locked_order(d)), GOVERNANCE_ERR_ALREADY_LOCKED);
  GTX_REQUIRE(args.volume_wh > 0, GOVERNANCE_ERR_ZERO_VOLUME);
  uint64_t free_wh;
  GTX_REQUIRE(governance_certificate_free(d, &free_wh) && args.volume_wh <= free_wh,
              GOVERNANCE_ERR_INSUFFICIENT_FREE_VOLUME);
  /* 9. write (no lock before: locked_wh was 0) */
  governance_certificate_set_locked_wh(d, args.volume_wh);
  gtx_pubkey_copy(governance_certificate_locked_order(d), order->key);
  /* 10. event */
  governance_emit_certificate_locked(certificate->key, order->key, owner->key, args.volume_wh);
  return GTX_SUCCESS;
}
