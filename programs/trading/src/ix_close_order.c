#include "trading.h"

/// close_order: anyone closes a fully filled or expired order. What the escrow holds goes to a
/// token account of the order's owner, the rent of both accounts to the owner's wallet: the
/// caller gains nothing and can only tidy up. Allowed when the market is paused.
///
/// Accounts:
///   0. [writable] order - an Order of this program, filled or expired
///   1. [writable] escrow - the order's escrow (its stored address)
///   2. [writable] owner - the order's owner (wallet): receives the rent
///   3. [writable] owner_token_account - a token account of the owner for the escrow's mint
///   4. [] token_program - SPL Token
uint64_t trading_close_order(const GtxInput *in) {
  GTX_REQUIRE(trading_close_order_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= TRADING_IX_CLOSE_ORDER_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *order = &in->accounts[TRADING_IX_CLOSE_ORDER_ORDER];
  const GtxAccountInfo *escrow = &in->accounts[TRADING_IX_CLOSE_ORDER_ESCROW];
  const GtxAccountInfo *owner = &in->accounts[TRADING_IX_CLOSE_ORDER_OWNER];
  const GtxAccountInfo *destination = &in->accounts[TRADING_IX_CLOSE_ORDER_OWNER_TOKEN_ACCOUNT];
  /* 2. no signer: anyone may send it. 3. writable */
  GTX_REQUIRE(owner->is_writable && order->is_writable && escrow->is_writable && destination->is_writable,
              GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. the order */
  uint64_t err = trading_check_order(in, order);
  if (err) return err;
  const uint8_t *d = order->data;
  uint8_t side = trading_order_get_side(d);
  uint64_t id = trading_order_get_client_order_id(d);
  uint64_t amount = trading_order_get_amount_wh(d);
  uint64_t filled = trading_order_get_filled_wh(d);
  /* 8. filled, or expired by the Clock */
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), TRADING_ERR_CLOCK_UNAVAILABLE);
  bool expired = clock.unix_timestamp >= trading_order_get_expires_at(d);
  GTX_REQUIRE(filled >= amount || expired, TRADING_ERR_ORDER_STILL_OPEN);
  /* 4-9. escrow and destination (both the owner's), then the release */
  uint64_t returned;
  TradingCloseAccounts c = {order, escrow, owner, destination, &in->accounts[TRADING_IX_CLOSE_ORDER_TOKEN_PROGRAM]};
  err = trading_close_order_accounts(in, &c, &returned);
  if (err) return err;
  /* 10. event */
  trading_emit_order_closed(order->key, owner->key, side, id, amount, filled, returned, expired);
  return GTX_SUCCESS;
}
