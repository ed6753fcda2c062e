/*
 * gtx/pda.h - program derived addresses.
 *
 * A seed list is an array of GtxSlice (max 16 seeds of max 32 bytes each, the bump included).
 * Deriving with a *stored* bump (gtx_pda_create / gtx_pda_check) costs one hash (~1500 CU);
 * searching for the bump (gtx_pda_find) may cost several, so programs store the bump at init.
 */
#ifndef GTX_PDA_H
#define GTX_PDA_H

#include "mem.h"
#include "syscalls.h"

#define GTX_MAX_SEEDS 16
#define GTX_MAX_SEED_LEN 32

/* A literal seed: GTX_SEED_LIT("counter") (no trailing NUL). */
#define GTX_SEED_LIT(s) ((GtxSlice){(const uint8_t *)(s), sizeof(s) - 1})
#define GTX_SEED(ptr, n) ((GtxSlice){(const uint8_t *)(ptr), (uint64_t)(n)})
#define GTX_SEED_KEY(key) ((GtxSlice){(const uint8_t *)(key), 32})

/* Derive the address for seeds that already include the bump. false if it is on the curve. */
GTX_INLINE bool gtx_pda_create(const GtxSlice *seeds, uint64_t n, const GtxPubkey *program_id,
                               GtxPubkey *out) {
  return sol_create_program_address(seeds, n, program_id, out) == 0;
}

/* Find the canonical bump (highest that gives an off-curve address). */
GTX_INLINE bool gtx_pda_find(const GtxSlice *seeds, uint64_t n, const GtxPubkey *program_id,
                             GtxPubkey *out, uint8_t *bump) {
  return sol_try_find_program_address(seeds, n, program_id, out, bump) == 0;
}

/* True when `expected` is the address of seeds (bump included) under program_id. */
GTX_INLINE bool gtx_pda_check(const GtxSlice *seeds, uint64_t n, const GtxPubkey *program_id,
                              const GtxPubkey *expected) {
  GtxPubkey derived;
  if (!gtx_pda_create(seeds, n, program_id, &derived)) return false;
  return gtx_pubkey_eq(&derived, expected);
}

#endif
