/*
 * gtx/borsh.h - bounds-checked borsh readers and writers.
 *
 * Both are "sticky": the first failure (short input, bad bool/option tag, over-long vec, no room)
 * clears `ok`, later calls do nothing and return 0/NULL, and the caller checks once at the end
 * with gtx_reader_done / gtx_writer_ok. Pointers returned by readers point into the input
 * (zero-copy) and are NULL after a failure, so check `ok` before dereferencing them.
 */
#ifndef GTX_BORSH_H
#define GTX_BORSH_H

#include "mem.h"
#include "types.h"

typedef struct {
  const uint8_t *p;
  uint64_t len;
  uint64_t pos;
  bool ok;
} GtxReader;

GTX_INLINE GtxReader gtx_reader(const uint8_t *p, uint64_t len) {
  GtxReader r = {p, len, 0, true};
  return r;
}

/* Reserve n bytes; false (and sticky failure) if fewer remain. No overflow: pos <= len always. */
GTX_INLINE bool gtx_reader_need(GtxReader *r, uint64_t n) {
  if (r->ok && n <= r->len - r->pos) return true;
  r->ok = false;
  return false;
}

/* True when every read succeeded and the input was consumed exactly (no trailing bytes). */
GTX_INLINE bool gtx_reader_done(const GtxReader *r) { return r->ok && r->pos == r->len; }

#define GTX_DEFINE_READ(NAME, TYPE, N, LOAD)      \
  GTX_INLINE TYPE gtx_read_##NAME(GtxReader *r) { \
    if (!gtx_reader_need(r, N)) return 0;         \
    TYPE v = (TYPE)LOAD(r->p + r->pos);           \
    r->pos += N;                                  \
    return v;                                     \
  }
GTX_DEFINE_READ(u8, uint8_t, 1, gtx_load_u8)
GTX_DEFINE_READ(u16, uint16_t, 2, gtx_load_u16)
GTX_DEFINE_READ(u32, uint32_t, 4, gtx_load_u32)
GTX_DEFINE_READ(u64, uint64_t, 8, gtx_load_u64)
GTX_DEFINE_READ(i8, int8_t, 1, gtx_load_u8)
GTX_DEFINE_READ(i16, int16_t, 2, gtx_load_u16)
GTX_DEFINE_READ(i32, int32_t, 4, gtx_load_u32)
GTX_DEFINE_READ(i64, int64_t, 8, gtx_load_u64)
#undef GTX_DEFINE_READ

/* Borsh bool: exactly 0 or 1. */
GTX_INLINE bool gtx_read_bool(GtxReader *r) {
  uint8_t v = gtx_read_u8(r);
  if (v > 1) r->ok = false;
  return v == 1;
}

/* n raw bytes (a fixed-size array). */
GTX_INLINE const uint8_t *gtx_read_fixed(GtxReader *r, uint64_t n) {
  if (!gtx_reader_need(r, n)) return NULL;
  const uint8_t *v = r->p + r->pos;
  r->pos += n;
  return v;
}

GTX_INLINE const GtxPubkey *gtx_read_pubkey(GtxReader *r) {
  return (const GtxPubkey *)gtx_read_fixed(r, 32);
}

/* Option tag: 0 = None, 1 = Some; anything else fails. Returns true for Some. */
GTX_INLINE bool gtx_read_option(GtxReader *r) { return gtx_read_bool(r); }

/* u32-length-prefixed bytes (borsh `bytes`, `Vec<u8>`, `String`); fails if len > max_len. */
GTX_INLINE const uint8_t *gtx_read_vec_u8(GtxReader *r, uint32_t max_len, uint32_t *len_out) {
  uint32_t n = gtx_read_u32(r);
  if (n > max_len) r->ok = false;
  const uint8_t *v = gtx_read_fixed(r, n);
  *len_out = r->ok ? n : 0;
  return v;
}

/* True when valid UTF-8 p[0..n) holds a control character: C0 (U+0000..U+001F), DEL (U+007F) or
 * C1 (U+0080..U+009F, encoded C2 80..C2 9F). PostgreSQL text cannot hold NUL, and no control
 * belongs in a name or a device id (the app's gateway refuses them too). */
GTX_INLINE bool gtx_text_has_control(const uint8_t *p, uint64_t n) {
  for (uint64_t i = 0; i < n; i++) {
    uint8_t c = p[i];
    if (c < 0x20 || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < n && p[i + 1] <= 0x9f) return true;
  }
  return false;
}

/* True when p[0..n) is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF),
 * as borsh requires of a String. */
GTX_INLINE bool gtx_utf8_valid(const uint8_t *p, uint64_t n) {
  uint64_t i = 0;
  while (i < n) {
    uint8_t c = p[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    uint64_t extra;
    uint32_t cp, min;
    if ((c & 0xe0) == 0xc0) {
      extra = 1, cp = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2, cp = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (extra > n - i - 1) return false;
    for (uint64_t k = 1; k <= extra; k++) {
      uint8_t cc = p[i + k];
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

/* A String: u32 length, UTF-8 checked, at most max_len bytes. */
GTX_INLINE const uint8_t *gtx_read_string(GtxReader *r, uint32_t max_len, uint32_t *len_out) {
  const uint8_t *s = gtx_read_vec_u8(r, max_len, len_out);
  if (r->ok && !gtx_utf8_valid(s, *len_out)) {
    r->ok = false;
    *len_out = 0;
    return NULL;
  }
  return s;
}

typedef struct {
  uint8_t *p;
  uint64_t cap;
  uint64_t pos;
  bool ok;
} GtxWriter;

GTX_INLINE GtxWriter gtx_writer(uint8_t *p, uint64_t cap) {
  GtxWriter w = {p, cap, 0, true};
  return w;
}

GTX_INLINE bool gtx_writer_need(GtxWriter *w, uint64_t n) {
  if (w->ok && n <= w->cap - w->pos) return true;
  w->ok = false;
  return false;
}

GTX_INLINE bool gtx_writer_ok(const GtxWriter *w) { return w->ok; }

#define GTX_DEFINE_WRITE(NAME, TYPE, N, STORE)             \
  GTX_INLINE void gtx_write_##NAME(GtxWriter *w, TYPE v) { \
    if (!gtx_writer_need(w, N)) return;                    \
    STORE(w->p + w->pos, v);                               \
    w->pos += N;                                           \
  }
GTX_DEFINE_WRITE(u8, uint8_t, 1, gtx_store_u8)
GTX_DEFINE_WRITE(u16, uint16_t, 2, gtx_store_u16)
GTX_DEFINE_WRITE(u32, uint32_t, 4, gtx_store_u32)
GTX_DEFINE_WRITE(u64, uint64_t, 8, gtx_store_u64)
GTX_DEFINE_WRITE(i64, int64_t, 8, gtx_store_i64)
#undef GTX_DEFINE_WRITE

GTX_INLINE void gtx_write_bool(GtxWriter *w, bool v) { gtx_write_u8(w, v ? 1 : 0); }

GTX_INLINE void gtx_write_fixed(GtxWriter *w, const void *src, uint64_t n) {
  if (!gtx_writer_need(w, n)) return;
  gtx_memcpy(w->p + w->pos, src, n);
  w->pos += n;
}

GTX_INLINE void gtx_write_pubkey(GtxWriter *w, const GtxPubkey *k) {
  if (!gtx_writer_need(w, 32)) return;
  gtx_pubkey_copy((GtxPubkey *)(w->p + w->pos), k);
  w->pos += 32;
}

/* u32 length + bytes (borsh bytes / Vec<u8> / String). */
GTX_INLINE void gtx_write_vec_u8(GtxWriter *w, const uint8_t *src, uint32_t n) {
  gtx_write_u32(w, n);
  gtx_write_fixed(w, src, n);
}

#endif
