/*
 * gtx.h - umbrella header for GridTokenX C programs (written for this project; not an SDK copy).
 *
 *   gtx/types.h       fixed-width types, GtxPubkey, GtxSlice, builtin error codes
 *   gtx/syscalls.h    syscall declarations (resolved by name at load time)
 *   gtx/mem.h         unaligned LE loads/stores, memcpy/memeq, pubkey compare/copy
 *   gtx/log.h         gtx_log("literal"), gtx_log_u64, gtx_log_pubkey, gtx_log_cu
 *   gtx/entrypoint.h  zero-copy input deserialisation (GtxInput, GtxAccountInfo)
 *   gtx/math.h        checked add/sub/mul/div, mul-div with rounding, wide multiply
 *   gtx/borsh.h       sticky bounds-checked borsh reader and writer
 *   gtx/pda.h         program-derived addresses (create/find/check)
 *   gtx/cpi.h         sol_invoke_signed_c wrappers and C-ABI structs
 *   gtx/sysvar.h      Clock and Rent (rent-exempt minimum without floating point)
 *   gtx/system.h      System program CPIs and gtx_init_pda_account
 *   gtx/ids.h         well-known program ids
 *   gtx/token.h       SPL Token CPIs (mint_to, transfer[_checked], burn, init, close) and layouts
 *   gtx/anchor.h      Anchor errors (GTX_FAIL / GTX_REQUIRE), discriminators, events, return data
 */
#ifndef GTX_H
#define GTX_H

#include "gtx/anchor.h"
#include "gtx/borsh.h"
#include "gtx/cpi.h"
#include "gtx/entrypoint.h"
#include "gtx/ids.h"
#include "gtx/log.h"
#include "gtx/math.h"
#include "gtx/mem.h"
#include "gtx/pda.h"
#include "gtx/syscalls.h"
#include "gtx/system.h"
#include "gtx/sysvar.h"
#include "gtx/token.h"
#include "gtx/types.h"

#endif
