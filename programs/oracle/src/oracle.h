/*
 * Oracle program: shared declarations and small inline helpers.
 *
 * State is one PDA ["oracle"] laid out exactly as its borsh encoding (<gen/oracle.h> gives the
 * offsets), read and written in place through the runtime's input buffer: no C structs mirror the
 * account, so there is no struct padding to drift from the IDL.
 */
#ifndef ORACLE_H
#define ORACLE_H

#include <gen/oracle.h>
#include <gtx/pda_fast.h>

static const uint8_t ORACLE_SEED[] = ORACLE_CONST_ORACLE_SEED_BYTES;

/* The feeder list is a fixed array in the account: the IDL's array length and MAX_FEEDERS agree. */
_Static_assert(ORACLE_ACCOUNT_ORACLE_LEN - ORACLE_ACCOUNT_ORACLE_FEEDERS_OFF == 32 * ORACLE_CONST_MAX_FEEDERS,
               "feeders must be the last field, MAX_FEEDERS public keys long");

/* PriceData return value (borsh): retail u64, feed_in u64, updated_at i64, stale bool. */
#define ORACLE_PRICE_DATA_LEN 25

/* Seeds ["oracle"] plus, when given, the one-byte bump. Returns the seed count. */
GTX_INLINE uint64_t oracle_seeds(GtxSlice seeds[2], const uint8_t *bump) {
  seeds[0] = GTX_SEED(ORACLE_SEED, sizeof(ORACLE_SEED));
  if (!bump) return 1;
  seeds[1] = GTX_SEED(bump, 1);
  return 2;
}

/* Limits make sense: a non-empty positive price range, a staleness window, a non-zero jump
 * allowance (0 would freeze the price until it goes stale). */
GTX_INLINE bool oracle_limits_valid(const OracleOracleLimits *l) {
  return l->min_price > 0 && l->min_price <= l->max_price && l->max_staleness_secs > 0 &&
         l->max_jump_bps > 0;
}

GTX_INLINE void oracle_write_limits(uint8_t *d, const OracleOracleLimits *l) {
  oracle_oracle_set_limits_min_price(d, l->min_price);
  oracle_oracle_set_limits_max_price(d, l->max_price);
  oracle_oracle_set_limits_max_staleness_secs(d, l->max_staleness_secs);
  oracle_oracle_set_limits_min_update_interval_secs(d, l->min_update_interval_secs);
  oracle_oracle_set_limits_max_jump_bps(d, l->max_jump_bps);
}

/* The feeder count, clamped to the array: only this program writes it, but a count past the
 * array must never turn into a read or write past the account. */
GTX_INLINE uint64_t oracle_feeder_count(const uint8_t *d) {
  uint64_t n = oracle_oracle_get_feeder_count(d);
  return n > ORACLE_CONST_MAX_FEEDERS ? ORACLE_CONST_MAX_FEEDERS : n;
}

GTX_INLINE GtxPubkey *oracle_feeder_at(uint8_t *d, uint64_t i) {
  return (GtxPubkey *)(oracle_oracle_feeders(d) + 32 * i);
}

GTX_INLINE void oracle_pubkey_clear(GtxPubkey *k) {
  gtx_store_u64(k->x, 0);
  gtx_store_u64(k->x + 8, 0);
  gtx_store_u64(k->x + 16, 0);
  gtx_store_u64(k->x + 24, 0);
}

/* Seconds since the last update, 0 if the clock reads earlier than it (never negative). */
GTX_INLINE uint64_t oracle_age(int64_t now, int64_t updated_at) {
  /* The difference of two i64 with now > updated_at always fits in a u64. */
  return now > updated_at ? (uint64_t)now - (uint64_t)updated_at : 0;
}

/* |next - prev| * 10000 <= prev * max_bps, compared exactly as 128-bit products so that no
 * u64 price can overflow the check. */
GTX_INLINE bool oracle_within_jump(uint64_t prev, uint64_t next, uint64_t max_bps) {
  uint64_t diff = next > prev ? next - prev : prev - next;
  uint64_t lh, ll, rh, rl;
  gtx_mul_wide(diff, ORACLE_CONST_BPS_DENOMINATOR, &lh, &ll);
  gtx_mul_wide(prev, max_bps, &rh, &rl);
  return lh < rh || (lh == rh && ll <= rl);
}

/* account.c */
uint64_t oracle_check_account(const GtxInput *in, const GtxAccountInfo *oracle);
uint64_t oracle_admin_accounts(const GtxInput *in, const GtxAccountInfo **authority, const GtxAccountInfo **oracle);
int64_t oracle_feeder_index(uint8_t *d, const GtxPubkey *key);

/* Handlers, one file each. */
uint64_t oracle_initialize(const GtxInput *in);
uint64_t oracle_add_feeder(const GtxInput *in);
uint64_t oracle_remove_feeder(const GtxInput *in);
uint64_t oracle_set_limits(const GtxInput *in);
uint64_t oracle_transfer_authority(const GtxInput *in);
uint64_t oracle_accept_authority(const GtxInput *in);
uint64_t oracle_update_price(const GtxInput *in);
uint64_t oracle_get_price(const GtxInput *in);
uint64_t oracle_get_fresh_price(const GtxInput *in);

#endif
