/*
 * Counter: the example program for the C toolchain. A per-authority Counter PDA
 * (seeds ["counter", authority]) created through a System-program CPI signed by the PDA;
 * increment/add are checked and emit CounterIncremented; get_count returns the count.
 * The interface lives in ../idl/counter.json; <gen/counter.h> and generated/entrypoint.c (the
 * dispatch) are generated from it.
 */
#ifndef COUNTER_H
#define COUNTER_H

#include <gen/counter.h>

/* Handlers, one file each (ix_<name>.c). */
uint64_t counter_initialize(const GtxInput *in);
uint64_t counter_increment(const GtxInput *in);
uint64_t counter_add(const GtxInput *in);
uint64_t counter_get_count(const GtxInput *in);

/* Shared by increment and add (apply_add.c). */
uint64_t counter_apply_add(const GtxInput *in, uint64_t amount);

/* Checks that `counter` is a live Counter account of this program at its canonical PDA; returns 0
 * or the Anchor error (owner, exact size, discriminator, PDA from the stored authority + bump). */
uint64_t counter_check_account(const GtxInput *in, const GtxAccountInfo *counter);

/* The seeds of a counter PDA: "counter", authority, and (when bump != NULL) the bump byte. */
GTX_INLINE uint64_t counter_seeds(GtxSlice seeds[3], const uint8_t *seed_const, const GtxPubkey *authority,
                                  const uint8_t *bump) {
  seeds[0] = GTX_SEED(seed_const, COUNTER_CONST_COUNTER_SEED_LEN);
  seeds[1] = GTX_SEED_KEY(authority);
  if (!bump) return 2;
  seeds[2] = GTX_SEED(bump, 1);
  return 3;
}

static const uint8_t COUNTER_SEED[COUNTER_CONST_COUNTER_SEED_LEN] = COUNTER_CONST_COUNTER_SEED_BYTES;

#endif
