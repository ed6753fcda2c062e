#include "trading.h"

/// cancel_order: the owner takes back everything the order holds — its remaining lock and what
/// its fills credited it — and the fee it owes goes to the fee destination; the order is closed
/// (rent to the owner). Allowed when the market is paused.
///
/// Accounts:
///   0. [writable, signer] owner - must be the order's owner; receives the rent
///   1. [writable] order - an Order of this program
///   2. [] market - PDA ["market"]
///   3. [writable] grid_vault - PDA ["grid_vault"]
///   4. [writable] thbc_vault - PDA ["thbc_vault"]
///   5. [writable] owner_grid - the owner's GRID token account (checked if GRID is paid out)
///   6. [writable] owner_thbc - the owner's THBC token account (checked if THBC is paid out)
///   7. [writable] fee_destination - the market's (checked if a fee is owed)
///   8. [] token_program - SPL Token
///   a green sell also: 9. [writable] certificate (the order's)  10. [] governance_program
uint64_t trading_cancel_order(const GtxInput *in) {
  GTX_REQUIRE(trading_cancel_order_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= TRADING_IX_CANCEL_ORDER_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *owner = &in->accounts[TRADING_IX_CANCEL_ORDER_OWNER];
  const GtxAccountInfo *order = &in->accounts[TRADING_IX_CANCEL_ORDER_ORDER];
  TradingPayoutAccounts c = trading_payout_accounts(in, order, owner, TRADING_IX_CANCEL_ORDER_MARKET);
  /* 2. signer */
  GTX_REQUIRE(owner->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  /* 3. writable */
  GTX_REQUIRE(owner->is_writable && order->is_writable && c.grid_vault->is_writable && c.thbc_vault->is_writable &&
                  c.owner_grid->is_writable && c.owner_thbc->is_writable && c.fee_destination->is_writable,
              GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. the order */
  uint64_t err = trading_check_order(in, order);
  if (err) return err;
  /* Kept for the event: closing zeroes the order's data. */
  const uint8_t *d = order->data;
  uint8_t side = trading_order_get_side(d);
  uint64_t id = trading_order_get_client_order_id(d);
  uint64_t amount = trading_order_get_amount_wh(d);
  uint64_t filled = trading_order_get_filled_wh(d);
  /* 8-9. market, vaults, the signer is the owner; a green sell's lock released; pay out and close */
  TradingPayout paid;
  err = trading_pay_out_and_close(in, &c, &paid);
  if (err) return err;
  /* 10. event */
  trading_emit_order_cancelled(order->key, owner->key, side, id, amount, filled, paid.grid, paid.thbc, paid.fee);
  return GTX_SUCCESS;
}
