/*
 * gtx/ed25519_key.h - is 32 bytes an Ed25519 public key worth registering?
 *
 * sol_curve_validate_point only checks that the bytes decompress to a curve point. That lets
 * through two kinds of key no honest device has:
 *  - non-canonical encodings: y >= p = 2^255 - 19 (y is reduced mod p when decompressed, so the
 *    same point has two encodings) and "negative zero" (x = 0 with the sign bit set);
 *  - the eight points of small order (the identity, the point of order 2, two of order 4 and
 *    four of order 8): with such a key, signatures can verify over messages nobody signed.
 * The small-order points have only five distinct y values, so comparing y with the sign bit
 * cleared against those five refuses all eight and their "negative zero" variants.
 */
#ifndef GTX_ED25519_KEY_H
#define GTX_ED25519_KEY_H

#include "mem.h"
#include "pda_fast.h"

/* y coordinates (little-endian, sign bit cleared) of the eight small-order points. */
static const uint8_t GTX_ED25519_SMALL_ORDER_Y[5][32] = {
    /* y = 0: the two points of order 4 */
    {0},
    /* y = 1: the identity */
    {1},
    /* y = p - 1: the point of order 2 */
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    /* the two y values of the four points of order 8 */
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
     0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
     0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
};

/* True when y (the low 255 bits, little-endian) is >= p = 2^255 - 19. */
GTX_INLINE bool gtx_ed25519_y_non_canonical(const uint8_t *k) {
  if ((k[31] & 0x7f) != 0x7f) return false;
  for (int i = 30; i >= 1; i--)
    if (k[i] != 0xff) return false;
  return k[0] >= 0xed;
}

/* True when the 32 bytes are the canonical encoding of a curve point of large order. */
GTX_INLINE bool gtx_ed25519_key_is_strong(const uint8_t *k) {
  if (gtx_ed25519_y_non_canonical(k)) return false;
  uint8_t y[32];
  gtx_memcpy(y, k, 32);
  y[31] &= 0x7f;
  for (int i = 0; i < 5; i++)
    if (gtx_memeq(y, GTX_ED25519_SMALL_ORDER_Y[i], 32)) return false;
  return gtx_is_on_curve(k);
}

#endif
