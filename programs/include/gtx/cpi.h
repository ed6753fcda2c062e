/*
 * gtx/cpi.h - cross-program invocation through sol_invoke_signed_c.
 *
 * The structs match the runtime's C ABI (SolAccountMeta, SolInstruction, SolSignerSeeds). Account
 * infos are the GtxAccountInfo entries from gtx_deserialize: pass the ones the callee touches.
 * A PDA signs when its seeds (bump included) are in `signers`.
 */
#ifndef GTX_CPI_H
#define GTX_CPI_H

#include "entrypoint.h"
#include "syscalls.h"

typedef struct {
  const GtxPubkey *pubkey;
  bool is_writable;
  bool is_signer;
} GtxAccountMeta;

typedef struct GtxInstruction {
  const GtxPubkey *program_id;
  const GtxAccountMeta *accounts;
  uint64_t account_len;
  const uint8_t *data;
  uint64_t data_len;
} GtxInstruction;

/* The seeds of one PDA signer. */
typedef struct GtxSigner {
  const GtxSlice *seeds;
  uint64_t len;
} GtxSigner;

_Static_assert(sizeof(GtxAccountMeta) == 16, "GtxAccountMeta must match SolAccountMeta");
_Static_assert(sizeof(GtxInstruction) == 40, "GtxInstruction must match SolInstruction");

/* Invoke; returns the callee's error (0 on success). Most callers just propagate it. */
GTX_INLINE uint64_t gtx_invoke_signed(const GtxInstruction *ix, const GtxAccountInfo *infos,
                                      uint64_t n_infos, const GtxSigner *signers,
                                      uint64_t n_signers) {
  return sol_invoke_signed_c(ix, infos, n_infos, signers, n_signers);
}

GTX_INLINE uint64_t gtx_invoke(const GtxInstruction *ix, const GtxAccountInfo *infos,
                               uint64_t n_infos) {
  return sol_invoke_signed_c(ix, infos, n_infos, NULL, 0);
}

/* Meta for an account info, keeping its writable flag and optionally its signer flag. */
#define GTX_META(info_ptr, writable, signer) \
  ((GtxAccountMeta){(info_ptr)->key, (writable), (signer)})

#endif
