/*
 * gtx/pda_fast.h - program derived addresses through sol_sha256 (+ sol_curve_validate_point),
 * about a fifth of the cost of sol_create_program_address / sol_try_find_program_address.
 *
 * A PDA is sha256(seed_0 || ... || seed_n || program_id || "ProgramDerivedAddress"), valid when
 * that hash is NOT a point on the ed25519 curve. The two runtime syscalls charge a flat 1,500 CU
 * per hash; sol_sha256 charges 85 CU plus ~1 CU per two bytes, and sol_curve_validate_point
 * (curve25519 Edwards) 159 CU, so:
 *
 *   gtx_pda_verify     ~150 CU   one hash, compared with an address we already hold
 *   gtx_pda_find_fast  ~310 CU per bump tried (hash + curve test), ~2 tries on average
 *
 * gtx_pda_verify skips the curve test on purpose: it answers "is `expected` the hash of these
 * seeds", which is all an account check needs when the bump was stored at creation (the address
 * was found off-curve then, and an account at an on-curve hash could not hold data we own anyway).
 * Use gtx_pda_find_fast when the bump is unknown (creating a PDA, or checking a canonical address
 * such as an associated token account); it returns the same bump as sol_try_find_program_address.
 */
#ifndef GTX_PDA_FAST_H
#define GTX_PDA_FAST_H

#include "mem.h"
#include "syscalls.h"

/* Curve ids of sol_curve_validate_point (agave's solana-curve25519). */
#define GTX_CURVE25519_EDWARDS 0ULL

/* Returns 0 when `point` (32 bytes) is a valid point of the curve, 1 when it is not. The third
 * argument is unused by the runtime. */
uint64_t sol_curve_validate_point(uint64_t curve_id, const uint8_t *point, uint8_t *result);

/* Seeds per derivation, bump included (the runtime allows 16; our PDAs use at most 4). */
#define GTX_PDA_FAST_MAX_SEEDS 6

static const uint8_t GTX_PDA_MARKER[21] = {'P', 'r', 'o', 'g', 'r', 'a', 'm', 'D', 'e', 'r', 'i',
                                           'v', 'e', 'd', 'A', 'd', 'd', 'r', 'e', 's', 's'};

/* True when the 32 bytes are an ed25519 curve point (so they cannot be a PDA). */
GTX_INLINE bool gtx_is_on_curve(const uint8_t *bytes32) {
  uint8_t unused = 0;
  return sol_curve_validate_point(GTX_CURVE25519_EDWARDS, bytes32, &unused) == 0;
}

/* out = sha256(seeds[0..n) || program_id || "ProgramDerivedAddress"); false when n is too large. */
GTX_INLINE bool gtx_pda_hash(const GtxSlice *seeds, uint64_t n, const GtxPubkey *program_id,
                             GtxPubkey *out) {
  if (n > GTX_PDA_FAST_MAX_SEEDS) return false;
  GtxSlice s[GTX_PDA_FAST_MAX_SEEDS + 2];
  for (uint64_t i = 0; i < n; i++) s[i] = seeds[i];
  s[n] = (GtxSlice){program_id->x, 32};
  s[n + 1] = (GtxSlice){GTX_PDA_MARKER, sizeof(GTX_PDA_MARKER)};
  return sol_sha256(s, n + 2, out->x) == 0;
}

/* True when `expected` is the address of seeds[0..n) (the stored bump included) under program_id. */
GTX_INLINE bool gtx_pda_verify(const GtxSlice *seeds, uint64_t n, const GtxPubkey *program_id,
                               const GtxPubkey *expected) {
  GtxPubkey h;
  if (!gtx_pda_hash(seeds, n, program_id, &h)) return false;
  return gtx_pubkey_eq(&h, expected);
}

/* Canonical bump search like sol_try_find_program_address: seeds[0..n) WITHOUT the bump, which
 * is tried from 255 down until the hash is off the curve. */
static inline __attribute__((noinline)) bool gtx_pda_find_fast(const GtxSlice *seeds, uint64_t n,
                                                        const GtxPubkey *program_id,
                                                        GtxPubkey *out, uint8_t *bump_out) {
  if (n + 1 > GTX_PDA_FAST_MAX_SEEDS) return false;
  GtxSlice s[GTX_PDA_FAST_MAX_SEEDS];
  for (uint64_t i = 0; i < n; i++) s[i] = seeds[i];
  uint8_t bump = 255;
  s[n] = (GtxSlice){&bump, 1};
  for (;;) {
    if (!gtx_pda_hash(s, n + 1, program_id, out)) return false;
    if (!gtx_is_on_curve(out->x)) {
      *bump_out = bump;
      return true;
    }
    if (bump == 0) return false;
    bump--;
  }
}

#endif
