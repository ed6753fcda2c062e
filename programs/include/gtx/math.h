/*
 * gtx/math.h - checked u64/i64 arithmetic without 128-bit compiler helpers.
 *
 * Upstream clang's BPF backend cannot lower __int128 multiply/divide or __builtin_mul_overflow on
 * 64-bit values (it would need __multi3), so everything here is written with 64-bit operations.
 * Every function returns false on overflow or division by zero and then leaves *out untouched,
 * so callers can `if (!gtx_add(...)) return GTX_FAIL(...)` before any write.
 */
#ifndef GTX_MATH_H
#define GTX_MATH_H

#include "types.h"

/* LLVM's InstCombine rewrites the check `a > UINT64_MAX / b` into a 128-bit
 * multiply-with-overflow, which the BPF backend cannot lower (__multi3). Passing the quotient
 * through an empty asm makes it opaque, so the check stays a division and a compare. */
#define GTX_OPAQUE(x) __asm__("" : "+r"(x))

/* UINT64_MAX / b for b != 0, hidden from that rewrite. */
GTX_INLINE uint64_t gtx_mul_limit(uint64_t b) {
  uint64_t lim = UINT64_MAX / b;
  GTX_OPAQUE(lim);
  return lim;
}

GTX_INLINE bool gtx_add(uint64_t a, uint64_t b, uint64_t *out) {
  uint64_t r = a + b;
  if (r < a) return false;
  *out = r;
  return true;
}

GTX_INLINE bool gtx_sub(uint64_t a, uint64_t b, uint64_t *out) {
  if (b > a) return false;
  *out = a - b;
  return true;
}

GTX_INLINE bool gtx_mul(uint64_t a, uint64_t b, uint64_t *out) {
  if (b != 0 && a > gtx_mul_limit(b)) return false;
  *out = a * b;
  return true;
}

/* Division by zero aborts an SBPF program, so division is always checked. */
GTX_INLINE bool gtx_div(uint64_t a, uint64_t b, uint64_t *out) {
  if (b == 0) return false;
  *out = a / b;
  return true;
}

GTX_INLINE bool gtx_add_i64(int64_t a, int64_t b, int64_t *out) {
  uint64_t r = (uint64_t)a + (uint64_t)b;
  /* Overflow iff a and b have the same sign and r's sign differs. */
  if (((uint64_t)a ^ r) & ((uint64_t)b ^ r) & 0x8000000000000000ULL) return false;
  *out = (int64_t)r;
  return true;
}

GTX_INLINE bool gtx_sub_i64(int64_t a, int64_t b, int64_t *out) {
  uint64_t r = (uint64_t)a - (uint64_t)b;
  if (((uint64_t)a ^ (uint64_t)b) & ((uint64_t)a ^ r) & 0x8000000000000000ULL) return false;
  *out = (int64_t)r;
  return true;
}

/* Full 64x64 -> 128-bit product as (hi, lo), from four 32x32 -> 64 products. */
GTX_INLINE void gtx_mul_wide(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo) {
  uint64_t a0 = a & 0xffffffffULL, a1 = a >> 32;
  uint64_t b0 = b & 0xffffffffULL, b1 = b >> 32;
  uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffULL) + (p10 & 0xffffffffULL);
  *lo = (p00 & 0xffffffffULL) | (mid << 32);
  *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/* (hi:lo) / d for hi < d (so the quotient fits in 64 bits), by shift-and-subtract. ~64 rounds;
 * only reached when a*b itself overflows u64. */
static inline __attribute__((noinline)) uint64_t gtx_div_wide(uint64_t hi, uint64_t lo, uint64_t d,
                                                       uint64_t *rem_out) {
  uint64_t rem = hi, q = 0;
  for (int i = 63; i >= 0; i--) {
    uint64_t carry = rem >> 63;
    rem = (rem << 1) | ((lo >> i) & 1);
    q <<= 1;
    /* With a carry the true remainder is >= 2^64 > d; the wrapping subtraction is still exact. */
    if (carry || rem >= d) {
      rem -= d;
      q |= 1;
    }
  }
  *rem_out = rem;
  return q;
}

typedef enum { GTX_ROUND_DOWN = 0, GTX_ROUND_UP = 1 } GtxRounding;

/* out = a * b / d rounded down or up, exact for every input; false if d == 0 or the result does
 * not fit in u64. Pricing uses it as gtx_mul_div(amount_wh, price_per_kwh, 1000, GTX_ROUND_UP). */
GTX_INLINE bool gtx_mul_div(uint64_t a, uint64_t b, uint64_t d, GtxRounding rounding,
                            uint64_t *out) {
  if (d == 0) return false;
  uint64_t q, r;
  if (b == 0 || a <= gtx_mul_limit(b)) {
    uint64_t p = a * b;
    q = p / d;
    r = p - q * d;
  } else {
    uint64_t hi, lo;
    gtx_mul_wide(a, b, &hi, &lo);
    if (hi >= d) return false;
    q = gtx_div_wide(hi, lo, d, &r);
  }
  if (rounding == GTX_ROUND_UP && r != 0) {
    if (q == UINT64_MAX) return false;
    q += 1;
  }
  *out = q;
  return true;
}

/* out = floor(a * b / 2^shift) for shift in [0, 127]; false if the result overflows u64. */
GTX_INLINE bool gtx_mul_shr(uint64_t a, uint64_t b, uint64_t shift, uint64_t *out) {
  if (shift > 127) return false;
  uint64_t hi, lo;
  gtx_mul_wide(a, b, &hi, &lo);
  uint64_t r;
  if (shift == 0) {
    if (hi != 0) return false;
    r = lo;
  } else if (shift < 64) {
    if ((hi >> shift) != 0) return false;
    r = (lo >> shift) | (hi << (64 - shift));
  } else {
    r = hi >> (shift - 64);
  }
  *out = r;
  return true;
}

#endif
