/* Test-only program exercising the gtx headers and the generated idl.h (see headers.test.ts). */
#ifndef PROBE_H
#define PROBE_H
#include "generated/idl.h"

/* On the heap (gtx_heap_accounts): more than the 512-byte stack frame could hold. */
#define PROBE_MAX_ACCOUNTS 24

uint64_t probe_math(const GtxInput *in);
uint64_t probe_echo(const GtxInput *in);
uint64_t probe_rent(const GtxInput *in);
uint64_t probe_inspect(const GtxInput *in);
uint64_t probe_clock(const GtxInput *in);
uint64_t probe_token(const GtxInput *in);
uint64_t probe_system_transfer(const GtxInput *in);
uint64_t probe_ids(const GtxInput *in);
uint64_t probe_utf8(const GtxInput *in);
uint64_t probe_emit(const GtxInput *in);
uint64_t probe_write_state(const GtxInput *in);
#endif
