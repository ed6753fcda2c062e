/*
 * gtx/sysvar.h - Clock and Rent through their syscalls (no sysvar account needed).
 */
#ifndef GTX_SYSVAR_H
#define GTX_SYSVAR_H

#include "math.h"
#include "syscalls.h"

typedef struct {
  uint64_t slot;
  int64_t epoch_start_timestamp;
  uint64_t epoch;
  uint64_t leader_schedule_epoch;
  int64_t unix_timestamp;
} GtxClock;
_Static_assert(sizeof(GtxClock) == 40, "Clock sysvar layout");

typedef struct {
  uint64_t lamports_per_byte_year;
  uint64_t exemption_threshold_f64_bits; /* an f64; BPF has no floating point, so raw bits */
  uint8_t burn_percent;
  uint8_t _pad[7];
} GtxRent;
_Static_assert(sizeof(GtxRent) == 24, "Rent sysvar layout");

#define GTX_ACCOUNT_STORAGE_OVERHEAD 128ULL

GTX_INLINE bool gtx_get_clock(GtxClock *out) { return sol_get_clock_sysvar(out) == 0; }
GTX_INLINE bool gtx_get_rent(GtxRent *out) { return sol_get_rent_sysvar(out) == 0; }

/* Minimum balance for rent exemption of an account with `data_len` bytes:
 * floor((128 + data_len) * lamports_per_byte_year * exemption_threshold), with the f64 threshold
 * decoded to mantissa * 2^exponent and multiplied exactly (no floating point on BPF). Equal to the
 * runtime's f64 computation for every threshold the clusters use (2.0, 1.0). */
GTX_INLINE bool gtx_rent_exempt_minimum(const GtxRent *rent, uint64_t data_len, uint64_t *out) {
  uint64_t bytes, base;
  if (!gtx_add(data_len, GTX_ACCOUNT_STORAGE_OVERHEAD, &bytes)) return false;
  if (!gtx_mul(bytes, rent->lamports_per_byte_year, &base)) return false;
  uint64_t bits = rent->exemption_threshold_f64_bits;
  if (bits >> 63) return false; /* negative */
  uint64_t exp = (bits >> 52) & 0x7ff, frac = bits & ((1ULL << 52) - 1);
  if (exp == 0x7ff) return false; /* inf / nan */
  if (exp == 0) {
    if (frac != 0) return false; /* subnormal: not a real threshold */
    *out = 0;
    return true;
  }
  uint64_t mant = frac | (1ULL << 52);
  int64_t e2 = (int64_t)exp - 1075; /* value = mant * 2^e2 */
  while (e2 < 0 && (mant & 1) == 0) {
    mant >>= 1;
    e2++;
  }
  if (e2 >= 0) {
    if (e2 > 63) return false;
    uint64_t m;
    if (!gtx_mul(base, mant, &m)) return false;
    if (e2 > 0 && (m >> (64 - e2)) != 0) return false;
    *out = m << e2;
    return true;
  }
  if (-e2 > 127) {
    *out = 0;
    return true;
  }
  return gtx_mul_shr(base, mant, (uint64_t)(-e2), out);
}

/* Convenience: fetch Rent and compute the minimum balance. */
GTX_INLINE bool gtx_rent_minimum_balance(uint64_t data_len, uint64_t *out) {
  GtxRent rent;
  if (!gtx_get_rent(&rent)) return false;
  return gtx_rent_exempt_minimum(&rent, data_len, out);
}

#endif
