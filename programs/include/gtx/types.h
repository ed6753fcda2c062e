/*
 * gtx/types.h - basic types, attributes and the runtime's builtin error codes.
 *
 * Part of GridTokenX's own C support headers for SBPF v0 programs built with upstream clang
 * (-target bpf -mcpu=v1). Everything here is header-only: `static inline` functions and
 * constants, because the loader refuses writable data (no mutable globals, ever).
 */
#ifndef GTX_TYPES_H
#define GTX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

_Static_assert(sizeof(void *) == 8, "gtx headers assume an LP64 target (bpf)");

/* Always inline: BPF calls take at most 5 arguments and cost a frame; small helpers vanish. */
#define GTX_INLINE static inline __attribute__((always_inline))
/* For cold paths we want out of line (one copy of the error logging code). */
#define GTX_COLD static inline __attribute__((noinline, cold))
#define GTX_LIKELY(x) __builtin_expect(!!(x), 1)
#define GTX_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define GTX_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A 32-byte public key. Alignment 1: it may sit anywhere inside account data. */
typedef struct {
  uint8_t x[32];
} GtxPubkey;

/* A byte slice. Same layout as the runtime's C `SolBytes` / `SolSignerSeed`. */
typedef struct {
  const uint8_t *addr;
  uint64_t len;
} GtxSlice;

#define GTX_SUCCESS 0ULL

/* Builtin program errors live in the upper 32 bits (solana ProgramError numbering). Anchor-style
 * custom errors (>= 100) are plain values in the lower 32 bits, see gtx/anchor.h. */
#define GTX_BUILTIN(n) ((uint64_t)(n) << 32)
#define GTX_ERR_CUSTOM_ZERO GTX_BUILTIN(1)
#define GTX_ERR_INVALID_ARGUMENT GTX_BUILTIN(2)
#define GTX_ERR_INVALID_INSTRUCTION_DATA GTX_BUILTIN(3)
#define GTX_ERR_INVALID_ACCOUNT_DATA GTX_BUILTIN(4)
#define GTX_ERR_ACCOUNT_DATA_TOO_SMALL GTX_BUILTIN(5)
#define GTX_ERR_INSUFFICIENT_FUNDS GTX_BUILTIN(6)
#define GTX_ERR_INCORRECT_PROGRAM_ID GTX_BUILTIN(7)
#define GTX_ERR_MISSING_REQUIRED_SIGNATURES GTX_BUILTIN(8)
#define GTX_ERR_ACCOUNT_ALREADY_INITIALIZED GTX_BUILTIN(9)
#define GTX_ERR_UNINITIALIZED_ACCOUNT GTX_BUILTIN(10)
#define GTX_ERR_NOT_ENOUGH_ACCOUNT_KEYS GTX_BUILTIN(11)
#define GTX_ERR_ACCOUNT_BORROW_FAILED GTX_BUILTIN(12)
#define GTX_ERR_MAX_SEED_LENGTH_EXCEEDED GTX_BUILTIN(13)
#define GTX_ERR_INVALID_SEEDS GTX_BUILTIN(14)
#define GTX_ERR_BORSH_IO GTX_BUILTIN(15)
#define GTX_ERR_ACCOUNT_NOT_RENT_EXEMPT GTX_BUILTIN(16)
#define GTX_ERR_UNSUPPORTED_SYSVAR GTX_BUILTIN(17)
#define GTX_ERR_ILLEGAL_OWNER GTX_BUILTIN(18)
#define GTX_ERR_ARITHMETIC_OVERFLOW GTX_BUILTIN(24)

#endif
