#include "trading.h"

/// cancel_order: the owner takes back everything left in the order's escrow and closes both
/// accounts (their rent to the owner). Allowed when the market is paused.
///
/// Accounts:
///   0. [writable, signer] owner - must be the order's owner; receives the rent
///   1. [writable] order - an Order of this program
///   2. [writable] escrow - the order's escrow (its stored address)
///   3. [writable] owner_token_account - a token account of the owner for the escrow's mint
///   4. [] token_program - SPL Token
uint64_t trading_cancel_order(const GtxInput *in) {
  GTX_REQUIRE(trading_cancel_order_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= TRADING_IX_CANCEL_ORDER_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *owner = &in->accounts[TRADING_IX_CANCEL_ORDER_OWNER];
  const GtxAccountInfo *order = &in->accounts[TRADING_IX_CANCEL_ORDER_ORDER];
  const GtxAccountInfo *escrow = &in->accounts[TRADING_IX_CANCEL_ORDER_ESCROW];
  const GtxAccountInfo *destination = &in->accounts[TRADING_IX_CANCEL_ORDER_OWNER_TOKEN_ACCOUNT];
  /* 2. signer */
  GTX_REQUIRE(owner->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  /* 3. writable */
  GTX_REQUIRE(owner->is_writable && order->is_writable && escrow->is_writable && destination->is_writable,
              GTX_E_ACCOUNT_NOT_MUTABLE);
  /* Kept for the event: closing zeroes the order's data. */
  const uint8_t *d = order->data;
  uint8_t side = order->data_len == TRADING_ACCOUNT_ORDER_LEN ? trading_order_get_side(d) : 0;
  uint64_t id = order->data_len == TRADING_ACCOUNT_ORDER_LEN ? trading_order_get_client_order_id(d) : 0;
  uint64_t amount = order->data_len == TRADING_ACCOUNT_ORDER_LEN ? trading_order_get_amount_wh(d) : 0;
  uint64_t filled = order->data_len == TRADING_ACCOUNT_ORDER_LEN ? trading_order_get_filled_wh(d) : 0;
  /* 4-9. order, escrow and destination checks (the signer must be the owner), then the release */
  uint64_t returned;
  TradingCloseAccounts c = {order, escrow, owner, destination, &in->accounts[TRADING_IX_CANCEL_ORDER_TOKEN_PROGRAM]};
  uint64_t err = trading_close_order_accounts(in, &c, &returned);
  if (err) return err;
  /* 10. event */
  trading_emit_order_cancelled(order->key, owner->key, side, id, amount, filled, returned);
  return GTX_SUCCESS;
}
