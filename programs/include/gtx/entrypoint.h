/*
 * gtx/entrypoint.h - zero-copy view of the loader's input buffer.
 *
 * The SBPF v0 (aligned) loader serialises the instruction as:
 *   u64 account count
 *   per account, either a duplicate marker (u8 index of the earlier account + 7 bytes padding) or
 *     u8 0xff, u8 is_signer, u8 is_writable, u8 executable, u32 original_data_len,
 *     key[32], owner[32], u64 lamports, u64 data_len, data[data_len],
 *     10240 bytes of realloc room, padding to 8, u64 rent_epoch
 *   u64 instruction data length, data, program_id[32]
 * gtx_deserialize fills GtxAccountInfo entries whose pointers point INTO that buffer, so writes to
 * *lamports / data land in the runtime's copy directly. Account data and instruction data are
 * 8-byte aligned in this layout.
 */
#ifndef GTX_ENTRYPOINT_H
#define GTX_ENTRYPOINT_H

#include "mem.h"
#include "types.h"

/* Same layout as the runtime's C `SolAccountInfo`, so an array of these can be handed to
 * sol_invoke_signed_c unchanged (see gtx/cpi.h). */
typedef struct GtxAccountInfo {
  GtxPubkey *key;
  uint64_t *lamports;
  uint64_t data_len; /* the runtime updates this after a CPI that resizes the account */
  uint8_t *data;
  GtxPubkey *owner;
  uint64_t rent_epoch;
  bool is_signer;
  bool is_writable;
  bool executable;
} GtxAccountInfo;

_Static_assert(sizeof(GtxAccountInfo) == 56, "GtxAccountInfo must match SolAccountInfo");
_Static_assert(offsetof(GtxAccountInfo, is_signer) == 48, "GtxAccountInfo must match SolAccountInfo");

typedef struct {
  GtxAccountInfo *accounts; /* first min(account_count, capacity) accounts */
  uint64_t account_count;   /* how many accounts the instruction really has */
  const uint8_t *data;      /* instruction data (8-byte aligned) */
  uint64_t data_len;
  const GtxPubkey *program_id;
} GtxInput;

#define GTX_MAX_PERMITTED_DATA_INCREASE 10240ULL
#define GTX_NON_DUP_MARKER 0xff

/* Parse `input` into `out`, filling at most `capacity` entries of `accounts`. Accounts beyond the
 * capacity are skipped but counted, so a handler can still refuse "too many"/"too few". */
GTX_INLINE void gtx_deserialize(const uint8_t *input, GtxInput *out, GtxAccountInfo *accounts,
                                uint64_t capacity) {
  const uint8_t *p = input;
  uint64_t n = gtx_load_u64(p);
  p += 8;
  out->accounts = accounts;
  out->account_count = n;
  for (uint64_t i = 0; i < n; i++) {
    uint8_t dup = p[0];
    if (dup != GTX_NON_DUP_MARKER) {
      /* A duplicate always refers to an earlier index, so it is < i < capacity when stored. */
      if (i < capacity && dup < i) accounts[i] = accounts[dup];
      p += 8;
      continue;
    }
    uint64_t data_len = gtx_load_u64(p + 80);
    if (i < capacity) {
      GtxAccountInfo *a = &accounts[i];
      a->is_signer = p[1] != 0;
      a->is_writable = p[2] != 0;
      a->executable = p[3] != 0;
      a->key = (GtxPubkey *)(p + 8);
      a->owner = (GtxPubkey *)(p + 40);
      a->lamports = (uint64_t *)(p + 72);
      a->data_len = data_len;
      a->data = (uint8_t *)(p + 88);
    }
    p += 88 + data_len + GTX_MAX_PERMITTED_DATA_INCREASE;
    p = (const uint8_t *)(((uint64_t)p + 7) & ~(uint64_t)7);
    if (i < capacity) accounts[i].rent_epoch = gtx_load_u64(p);
    p += 8;
  }
  out->data_len = gtx_load_u64(p);
  out->data = p + 8;
  out->program_id = (const GtxPubkey *)(p + 8 + out->data_len);
}

/* The SBPF heap: 32 KiB of zeroed, writable memory at a fixed address, private to this
 * invocation. clang's BPF backend refuses stack frames over 512 bytes, so an instruction with more
 * than a handful of accounts keeps its GtxAccountInfo array (56 bytes each) here instead:
 *   gtx_deserialize(input, &in, gtx_heap_accounts(), 64);
 * Nothing else in gtx uses the heap; a program that needs more heap places it after
 * GTX_HEAP_START + capacity * sizeof(GtxAccountInfo). */
#define GTX_HEAP_START 0x300000000ULL
#define GTX_HEAP_LEN (32ULL * 1024)
GTX_INLINE GtxAccountInfo *gtx_heap_accounts(void) { return (GtxAccountInfo *)GTX_HEAP_START; }

/* Lamports of an account (the runtime keeps them 8-byte aligned). */
GTX_INLINE uint64_t gtx_lamports(const GtxAccountInfo *a) { return gtx_load_u64(a->lamports); }

/* True when `a` is owned by `program`. */
GTX_INLINE bool gtx_is_owned_by(const GtxAccountInfo *a, const GtxPubkey *program) {
  return gtx_pubkey_eq(a->owner, program);
}

#endif
