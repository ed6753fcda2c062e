#include "oracle.h"

/// set_limits(limits): replace the limits. They apply from the next update and read; the stored
/// price is not re-checked against a new range (the next update must fit it).
///
/// Accounts:
///   0. [signer] authority - must be the oracle's stored authority
///   1. [writable] oracle - PDA ["oracle"]
uint64_t oracle_set_limits(const GtxInput *in) {
  OracleSetLimitsArgs args;
  GTX_REQUIRE(oracle_set_limits_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  const GtxAccountInfo *authority, *oracle;
  uint64_t err = oracle_admin_accounts(in, &authority, &oracle);
  if (err) return err;
  uint8_t *d = oracle->data;
  /* 8. the limits make sense */
  const OracleOracleLimits *l = &args.limits;
  GTX_REQUIRE(oracle_limits_valid(l), ORACLE_ERR_INVALID_LIMITS);
  /* the previous limits go into the event, for the audit trail */
  uint64_t p_min = oracle_oracle_get_limits_min_price(d);
  uint64_t p_max = oracle_oracle_get_limits_max_price(d);
  uint32_t p_stale = oracle_oracle_get_limits_max_staleness_secs(d);
  uint32_t p_interval = oracle_oracle_get_limits_min_update_interval_secs(d);
  uint16_t p_jump = oracle_oracle_get_limits_max_jump_bps(d);
  /* 9. write */
  oracle_write_limits(d, l);
  /* 10. event */
  oracle_emit_limits_updated(authority->key, p_min, p_max, p_stale, p_interval, p_jump, l->min_price, l->max_price,
                             l->max_staleness_secs, l->min_update_interval_secs, l->max_jump_bps);
  return GTX_SUCCESS;
}
