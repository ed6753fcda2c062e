#include "oracle.h"

/// update_price(retail_price, feed_in_price): an authorised feeder publishes both reference
/// prices, in THBC base units per kWh, timestamped with the Clock sysvar (never the caller's).
///
/// Refusals, in order: not a feeder; a zero price; a price outside [min_price, max_price];
/// feed-in above retail (the grid buys below what it sells at, so the P2P band
/// [feed_in, retail] must not be inverted); a second update in the same slot or sooner than
/// min_update_interval_secs (which also bounds how fast repeated max-size jumps can compound);
/// a move of more than max_jump_bps from a FRESH current price. A stale price (older than
/// max_staleness_secs) or the very first price is accepted within the range: consumers already
/// treat a stale price as unusable, and the feed must be able to re-anchor after an outage
/// without an administrator. PriceUpdated says whether the jump check applied.
///
/// Accounts:
///   0. [signer] feeder - one of the oracle's authorised feeders
///   1. [writable] oracle - PDA ["oracle"]
uint64_t oracle_update_price(const GtxInput *in) {
  OracleUpdatePriceArgs args;
  GTX_REQUIRE(oracle_update_price_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= ORACLE_IX_UPDATE_PRICE_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *feeder = &in->accounts[ORACLE_IX_UPDATE_PRICE_FEEDER];
  const GtxAccountInfo *oracle = &in->accounts[ORACLE_IX_UPDATE_PRICE_ORACLE];
  /* 2. signer, 3. writable */
  GTX_REQUIRE(feeder->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(oracle->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. owner, size, discriminator, PDA */
  uint64_t err = oracle_check_account(in, oracle);
  if (err) return err;
  uint8_t *d = oracle->data;
  /* 8. authorisation, then the prices, then time, then the jump */
  GTX_REQUIRE(oracle_feeder_index(d, feeder->key) >= 0, ORACLE_ERR_NOT_FEEDER);
  uint64_t retail = args.retail_price, feed_in = args.feed_in_price;
  GTX_REQUIRE(retail != 0 && feed_in != 0, ORACLE_ERR_ZERO_PRICE);
  uint64_t lo = oracle_oracle_get_limits_min_price(d), hi = oracle_oracle_get_limits_max_price(d);
  GTX_REQUIRE(retail >= lo && retail <= hi && feed_in >= lo && feed_in <= hi, ORACLE_ERR_PRICE_OUT_OF_RANGE);
  GTX_REQUIRE(feed_in <= retail, ORACLE_ERR_FEED_IN_ABOVE_RETAIL);
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), ORACLE_ERR_CLOCK_UNAVAILABLE);
  uint64_t count = oracle_oracle_get_update_count(d);
  uint64_t prev_retail = oracle_oracle_get_retail_price(d);
  uint64_t prev_feed_in = oracle_oracle_get_feed_in_price(d);
  bool jump_checked = false;
  if (count > 0) {
    int64_t updated_at = oracle_oracle_get_updated_at(d);
    uint64_t age = oracle_age(clock.unix_timestamp, updated_at);
    GTX_REQUIRE(clock.slot > oracle_oracle_get_updated_slot(d) && clock.unix_timestamp >= updated_at &&
                    age >= oracle_oracle_get_limits_min_update_interval_secs(d),
                ORACLE_ERR_UPDATE_TOO_SOON);
    if (age <= oracle_oracle_get_limits_max_staleness_secs(d)) {
      jump_checked = true;
      uint64_t bps = oracle_oracle_get_limits_max_jump_bps(d);
      GTX_REQUIRE(oracle_within_jump(prev_retail, retail, bps) && oracle_within_jump(prev_feed_in, feed_in, bps),
                  ORACLE_ERR_PRICE_JUMP_TOO_LARGE);
    }
  }
  /* One update per slot at most: the count cannot realistically reach u64::MAX. */
  uint64_t sequence = count + 1;
  /* 9. write */
  oracle_oracle_set_retail_price(d, retail);
  oracle_oracle_set_feed_in_price(d, feed_in);
  oracle_oracle_set_updated_at(d, clock.unix_timestamp);
  oracle_oracle_set_updated_slot(d, clock.slot);
  oracle_oracle_set_update_count(d, sequence);
  gtx_pubkey_copy(oracle_oracle_last_feeder(d), feeder->key);
  /* 10. event */
  oracle_emit_price_updated(feeder->key, retail, feed_in, prev_retail, prev_feed_in, clock.unix_timestamp, clock.slot,
                            sequence, jump_checked);
  return GTX_SUCCESS;
}
