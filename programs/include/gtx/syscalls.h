/*
 * gtx/syscalls.h - declarations of the runtime syscalls our programs import.
 *
 * An undefined function called from BPF code becomes a `call -1` plus an R_BPF_64_32 relocation
 * naming it; the relinker turns those into dynamic relocations the loader resolves by name hash.
 * The relinker refuses names that are not real syscalls (programs/toolchain/syscalls.ts).
 */
#ifndef GTX_SYSCALLS_H
#define GTX_SYSCALLS_H

#include "types.h"

struct GtxInstruction;
struct GtxAccountInfo;
struct GtxSigner;

/* Logging. sol_log_data prints "Program data: <base64> <base64>..." - one slice per event. */
void sol_log_(const char *msg, uint64_t len);
void sol_log_64_(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e);
void sol_log_pubkey(const GtxPubkey *key);
void sol_log_data(const GtxSlice *slices, uint64_t count);
void sol_log_compute_units_(void);
uint64_t sol_remaining_compute_units(void);

/* Program addresses. Both return 0 on success. */
uint64_t sol_create_program_address(const GtxSlice *seeds, uint64_t seeds_len,
                                    const GtxPubkey *program_id, GtxPubkey *out);
uint64_t sol_try_find_program_address(const GtxSlice *seeds, uint64_t seeds_len,
                                      const GtxPubkey *program_id, GtxPubkey *out,
                                      uint8_t *bump_out);

/* Hashing: sha256 over the concatenation of `count` slices into out[32]. */
uint64_t sol_sha256(const GtxSlice *slices, uint64_t count, uint8_t *out);

/* Memory. Cheaper than byte loops for anything over ~16 bytes (a flat ~10 CU). */
void sol_memcpy_(void *dst, const void *src, uint64_t n);
void sol_memmove_(void *dst, const void *src, uint64_t n);
void sol_memset_(void *dst, uint8_t c, uint64_t n);
void sol_memcmp_(const void *a, const void *b, uint64_t n, int32_t *result);

/* Return data ("Program return: <id> <base64>" in the logs; read by Anchor's .view()). */
void sol_set_return_data(const uint8_t *data, uint64_t len);
uint64_t sol_get_return_data(uint8_t *data, uint64_t len, GtxPubkey *program_id);

/* Sysvars, copied into caller memory; 0 on success. */
uint64_t sol_get_clock_sysvar(void *out);
uint64_t sol_get_rent_sysvar(void *out);

/* Cross-program invocation with the C ABI structs of gtx/cpi.h. */
uint64_t sol_invoke_signed_c(const struct GtxInstruction *ix, const struct GtxAccountInfo *infos,
                             uint64_t infos_len, const struct GtxSigner *signers,
                             uint64_t signers_len);

uint64_t sol_get_stack_height(void);
void sol_panic_(const char *file, uint64_t len, uint64_t line, uint64_t column);

#endif
