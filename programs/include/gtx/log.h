/*
 * gtx/log.h - logging helpers ("Program log: ..." lines).
 */
#ifndef GTX_LOG_H
#define GTX_LOG_H

#include "syscalls.h"

/* Log a string literal (length known at compile time, no strlen loop). */
#define gtx_log(literal) sol_log_((literal), sizeof(literal) - 1)
/* Log up to five numbers as hex. */
#define gtx_log_u64(a, b, c, d, e) \
  sol_log_64_((uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), (uint64_t)(e))
#define gtx_log_pubkey(key) sol_log_pubkey(key)
#define gtx_log_cu() sol_log_compute_units_()

#endif
