#include "oracle.h"

/* Shared body of get_price and get_fresh_price. `strict` refuses a stale price instead of
 * returning it flagged. Out of line and called from both handlers: the body is the same. */
static __attribute__((noinline)) uint64_t oracle_read_price(const GtxInput *in, bool strict) {
  GTX_REQUIRE(in->data_len == 8, GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count; 2-3: no signer, and writability does not matter for a read */
  GTX_REQUIRE(in->account_count >= ORACLE_IX_GET_PRICE_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *oracle = &in->accounts[ORACLE_IX_GET_PRICE_ORACLE];
  /* 4-7. owner, size, discriminator, PDA */
  uint64_t err = oracle_check_account(in, oracle);
  if (err) return err;
  const uint8_t *d = oracle->data;
  /* 8. a price exists; staleness from the Clock */
  GTX_REQUIRE(oracle_oracle_get_update_count(d) > 0, ORACLE_ERR_PRICE_NOT_SET);
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), ORACLE_ERR_CLOCK_UNAVAILABLE);
  int64_t updated_at = oracle_oracle_get_updated_at(d);
  bool stale = oracle_age(clock.unix_timestamp, updated_at) > oracle_oracle_get_limits_max_staleness_secs(d);
  GTX_REQUIRE(!(strict && stale), ORACLE_ERR_PRICE_STALE);
  /* Return data: borsh PriceData, built in an 8-aligned buffer. */
  uint64_t buf[(ORACLE_PRICE_DATA_LEN + 7) / 8];
  uint8_t *b = (uint8_t *)buf;
  gtx_store_u64(b, oracle_oracle_get_retail_price(d));
  gtx_store_u64(b + 8, oracle_oracle_get_feed_in_price(d));
  gtx_store_u64(b + 16, (uint64_t)updated_at);
  gtx_store_u8(b + 24, stale ? 1 : 0);
  gtx_set_return_data(b, ORACLE_PRICE_DATA_LEN);
  return GTX_SUCCESS;
}

/// get_price: the current prices as return data (PriceData {retail, feed_in, updated_at,
/// stale}); `stale` is true when the price is older than max_staleness_secs. Read-only, so
/// Anchor's `.view()` works and programs can CPI into it and read sol_get_return_data.
///
/// Accounts:
///   0. [] oracle - PDA ["oracle"]
uint64_t oracle_get_price(const GtxInput *in) { return oracle_read_price(in, false); }

/// get_fresh_price: like get_price, but refuses with PriceStale instead of returning a stale
/// price, for consumers that must never act on one.
///
/// Accounts:
///   0. [] oracle - PDA ["oracle"]
uint64_t oracle_get_fresh_price(const GtxInput *in) { return oracle_read_price(in, true); }
