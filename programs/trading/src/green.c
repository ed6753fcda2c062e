#include "trading.h"

/* Green orders: Governance keeps the certificate volume a green sell locks; this program asks it,
 * as the market PDA (Governance accepts lock_for_order / unlock / deliver_green only from
 * TRADING_PDA_MARKET), to lock, hand over and release. Every call is out of line so that its CPI
 * structs get their own stack frame. */

static uint64_t trading_governance_invoke(const GtxInput *in, const GtxAccountMeta *metas, uint64_t n_metas,
                                          const uint8_t *data, uint64_t data_len) {
  uint8_t bump = TRADING_PDA_MARKET_BUMP;
  GtxSlice seeds[2] = {GTX_SEED(TRADING_SEED_MARKET, sizeof(TRADING_SEED_MARKET)), GTX_SEED(&bump, 1)};
  GtxSigner signer = {seeds, 2};
  GtxInstruction ix = {&GOVERNANCE_PROGRAM_ID, metas, n_metas, data, data_len};
  return gtx_invoke_signed(&ix, in->accounts, in->account_count, &signer, 1);
}

uint64_t trading_green_program_ok(const GtxAccountInfo *governance_program) {
  GTX_REQUIRE(gtx_pubkey_eq(governance_program->key, &GOVERNANCE_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  return GTX_SUCCESS;
}

__attribute__((noinline)) uint64_t trading_green_lock(const GtxInput *in, const GtxAccountInfo *order,
                                                      const GtxAccountInfo *certificate,
                                                      const GtxAccountInfo *owner, uint64_t volume_wh) {
  uint8_t data[16];
  gtx_store_u64(data, GOVERNANCE_IX_LOCK_FOR_ORDER_DISC);
  gtx_store_u64(data + 8, volume_wh);
  GtxAccountMeta metas[GOVERNANCE_IX_LOCK_FOR_ORDER_ACCOUNTS] = {
      {&TRADING_PDA_MARKET, false, true},
      {certificate->key, true, false},
      {order->key, false, false},
      {owner->key, false, true},
  };
  return trading_governance_invoke(in, metas, GOVERNANCE_IX_LOCK_FOR_ORDER_ACCOUNTS, data, sizeof(data));
}

__attribute__((noinline)) uint64_t trading_green_unlock(const GtxInput *in, const GtxAccountInfo *order,
                                                        const GtxAccountInfo *certificate) {
  uint8_t data[8];
  gtx_store_u64(data, GOVERNANCE_IX_UNLOCK_DISC);
  GtxAccountMeta metas[GOVERNANCE_IX_UNLOCK_ACCOUNTS] = {
      {&TRADING_PDA_MARKET, false, true},
      {certificate->key, true, false},
      {order->key, false, false},
  };
  return trading_governance_invoke(in, metas, GOVERNANCE_IX_UNLOCK_ACCOUNTS, data, sizeof(data));
}

__attribute__((noinline)) uint64_t trading_green_deliver(const GtxInput *in, const TradingGreenFill *g,
                                                         uint64_t volume_wh) {
  uint8_t data[16];
  gtx_store_u64(data, GOVERNANCE_IX_DELIVER_GREEN_DISC);
  gtx_store_u64(data + 8, volume_wh);
  GtxAccountMeta metas[GOVERNANCE_IX_DELIVER_GREEN_ACCOUNTS] = {
      {&TRADING_PDA_MARKET, false, true},
      {g->source->key, true, false},
      {g->sell->key, false, false},
      {g->buy->key, false, false},
      {g->buyer_certificate->key, true, false},
      {g->payer->key, true, true},
      {&GTX_SYSTEM_PROGRAM_ID, false, false},
  };
  return trading_governance_invoke(in, metas, GOVERNANCE_IX_DELIVER_GREEN_ACCOUNTS, data, sizeof(data));
}

/* cancel_order / close_order of a green sell: its certificate and the Governance program follow
 * the fixed accounts; the lock is released before the order is paid out and closed. */
uint64_t trading_green_release(const GtxInput *in, const GtxAccountInfo *order, uint64_t fixed_accounts) {
  const GtxPubkey *certificate = trading_order_certificate(order->data);
  if (gtx_pubkey_is_zero(certificate)) return GTX_SUCCESS;
  GTX_REQUIRE(in->account_count >= fixed_accounts + 2, TRADING_ERR_GREEN_ACCOUNTS_MISSING);
  const GtxAccountInfo *cert = &in->accounts[fixed_accounts];
  GTX_REQUIRE(gtx_pubkey_eq(cert->key, certificate), TRADING_ERR_CERTIFICATE_MISMATCH);
  GTX_REQUIRE(cert->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  uint64_t err = trading_green_program_ok(&in->accounts[fixed_accounts + 1]);
  if (err) return err;
  return trading_green_unlock(in, order, cert);
}
