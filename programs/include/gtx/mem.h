/*
 * gtx/mem.h - little-endian loads/stores, copies and comparisons.
 *
 * SBPF lets any load or store be unaligned, but C (and clang's BPF backend) does not: a memcpy of
 * 8 bytes from a 1-aligned pointer becomes 22 byte-wise instructions. The *_unaligned helpers use
 * one BPF instruction through inline assembly instead; the "memory" clobber keeps them ordered
 * with surrounding stores. All values are little-endian, like borsh and the runtime.
 */
#ifndef GTX_MEM_H
#define GTX_MEM_H

#include "syscalls.h"
#include "types.h"

#define GTX_DEFINE_LOADSTORE(BITS, TYPE)                                                  \
  GTX_INLINE TYPE gtx_load_u##BITS(const void *p) {                                      \
    TYPE v;                                                                               \
    __asm__("%0 = *(u" #BITS " *)(%1 + 0)" : "=r"(v) : "r"(p) : "memory");             \
    return v;                                                                             \
  }                                                                                       \
  GTX_INLINE void gtx_store_u##BITS(void *p, TYPE v) {                                   \
    __asm__ volatile("*(u" #BITS " *)(%0 + 0) = %1" : : "r"(p), "r"((uint64_t)v) : "memory"); \
  }

GTX_DEFINE_LOADSTORE(8, uint8_t)
GTX_DEFINE_LOADSTORE(16, uint16_t)
GTX_DEFINE_LOADSTORE(32, uint32_t)
GTX_DEFINE_LOADSTORE(64, uint64_t)
#undef GTX_DEFINE_LOADSTORE

GTX_INLINE int64_t gtx_load_i64(const void *p) { return (int64_t)gtx_load_u64(p); }
GTX_INLINE void gtx_store_i64(void *p, int64_t v) { gtx_store_u64(p, (uint64_t)v); }

/* Copy n bytes. Small constant sizes inline to loads/stores; larger ones use the syscall. */
GTX_INLINE void gtx_memcpy(void *dst, const void *src, uint64_t n) {
  if (__builtin_constant_p(n) && n <= 16) {
    uint8_t *d = (uint8_t *)dst;
    const uint8_t *s = (const uint8_t *)src;
    for (uint64_t i = 0; i < n; i++) d[i] = s[i];
  } else {
    sol_memcpy_(dst, src, n);
  }
}

GTX_INLINE void gtx_memset(void *dst, uint8_t c, uint64_t n) { sol_memset_(dst, c, n); }

/* True when the n bytes at a and b are equal. */
GTX_INLINE bool gtx_memeq(const void *a, const void *b, uint64_t n) {
  int32_t r = 1;
  sol_memcmp_(a, b, n, &r);
  return r == 0;
}

/* Copy a 32-byte key: 4 unaligned 8-byte moves. */
GTX_INLINE void gtx_pubkey_copy(GtxPubkey *dst, const GtxPubkey *src) {
  gtx_store_u64(dst->x, gtx_load_u64(src->x));
  gtx_store_u64(dst->x + 8, gtx_load_u64(src->x + 8));
  gtx_store_u64(dst->x + 16, gtx_load_u64(src->x + 16));
  gtx_store_u64(dst->x + 24, gtx_load_u64(src->x + 24));
}

/* Key equality in 4 unaligned 8-byte compares (cheaper than the memcmp syscall). */
GTX_INLINE bool gtx_pubkey_eq(const GtxPubkey *a, const GtxPubkey *b) {
  return gtx_load_u64(a->x) == gtx_load_u64(b->x) &&
         gtx_load_u64(a->x + 8) == gtx_load_u64(b->x + 8) &&
         gtx_load_u64(a->x + 16) == gtx_load_u64(b->x + 16) &&
         gtx_load_u64(a->x + 24) == gtx_load_u64(b->x + 24);
}

GTX_INLINE bool gtx_pubkey_is_zero(const GtxPubkey *a) {
  return (gtx_load_u64(a->x) | gtx_load_u64(a->x + 8) | gtx_load_u64(a->x + 16) |
          gtx_load_u64(a->x + 24)) == 0;
}

#endif
