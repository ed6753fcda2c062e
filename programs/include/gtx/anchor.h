/*
 * gtx/anchor.h - Anchor wire-format conventions for C programs.
 *
 *  - Errors: before returning custom error N, log exactly
 *      "AnchorError occurred. Error Code: <Name>. Error Number: <N>. Error Message: <msg>."
 *    so @coral-xyz/anchor's client raises a typed AnchorError. The generated idl.h and
 *    gtx/anchor_errors.h define, for every error E, the number E and the full log line E##_LOG,
 *    so GTX_FAIL(E) costs one sol_log_ and no formatting.
 *  - Discriminators are compared as one little-endian u64 (the generated *_DISC constants).
 *  - Events: ONE sol_log_data slice holding the 8-byte event discriminator + borsh fields.
 */
#ifndef GTX_ANCHOR_H
#define GTX_ANCHOR_H

#include "anchor_errors.h"
#include "mem.h"
#include "syscalls.h"

/* Out of line: one copy of the logging call however many error sites a program has. */
GTX_COLD uint64_t gtx_fail_with(const char *log, uint64_t len, uint64_t code) {
  sol_log_(log, len);
  return code;
}

#define GTX_FAIL(E) gtx_fail_with(E##_LOG, sizeof(E##_LOG) - 1, (E))

/* Return error E from the current function unless cond holds. (Pastes E##_LOG itself: passing E
 * on to GTX_FAIL would expand it to its number first.) */
#define GTX_REQUIRE(cond, E)                                                             \
  do {                                                                                   \
    if (GTX_UNLIKELY(!(cond))) return gtx_fail_with(E##_LOG, sizeof(E##_LOG) - 1, (E)); \
  } while (0)

/* True when the first 8 bytes at data equal the discriminator (in its u64 LE form). */
GTX_INLINE bool gtx_disc_is(const uint8_t *data, uint64_t disc) { return gtx_load_u64(data) == disc; }
GTX_INLINE void gtx_disc_write(uint8_t *data, uint64_t disc) { gtx_store_u64(data, disc); }

/* Emit an event already laid out as discriminator + borsh fields in buf[0..len). */
GTX_INLINE void gtx_emit_event(const uint8_t *buf, uint64_t len) {
  GtxSlice s = {buf, len};
  sol_log_data(&s, 1);
}

/* Return data for Anchor's `.view()` / CPI callers (borsh of the IDL `returns` type). */
GTX_INLINE void gtx_set_return_data(const uint8_t *data, uint64_t len) { sol_set_return_data(data, len); }
GTX_INLINE void gtx_set_return_u64(uint64_t v) {
  uint8_t buf[8];
  gtx_store_u64(buf, v);
  sol_set_return_data(buf, 8);
}

#endif
