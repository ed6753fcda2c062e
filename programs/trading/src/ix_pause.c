#include "trading.h"

/* Shared body of pause and unpause: the emergency authority sets the flag. Setting it to what it
 * already is succeeds (idempotent) and still logs the event. */
static __attribute__((noinline)) uint64_t trading_set_paused(const GtxInput *in, bool paused) {
  GTX_REQUIRE(in->data_len == 8, GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  const GtxAccountInfo *market;
  uint64_t err = trading_market_admin(in, true, &market);
  if (err) return err;
  /* 9. write */
  trading_market_set_paused(market->data, paused);
  /* 10. event */
  trading_emit_market_pause_changed(in->accounts[TRADING_IX_PAUSE_EMERGENCY_AUTHORITY].key, paused);
  return GTX_SUCCESS;
}

/// pause: the emergency authority stops new orders and fills; cancel_order and close_order stay
/// open, so nobody's collateral is ever stuck.
///
/// Accounts:
///   0. [signer] emergency_authority - must be the market's emergency authority
///   1. [writable] market - PDA ["market"]
uint64_t trading_pause(const GtxInput *in) { return trading_set_paused(in, true); }

/// unpause: the emergency authority reopens the market.
///
/// Accounts:
///   0. [signer] emergency_authority - must be the market's emergency authority
///   1. [writable] market - PDA ["market"]
uint64_t trading_unpause(const GtxInput *in) { return trading_set_paused(in, false); }
