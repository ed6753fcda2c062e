#include "thb_bridge.h"

/// set_limits(limits): new per-deposit and per-day limits and withdrawal timeout (admin). Today's
/// minted total is kept, so lowering max_per_day takes effect for the rest of the day.
///
/// Accounts:
///   0. [signer] admin - the bridge's admin
///   1. [writable] bridge - PDA ["bridge"]
uint64_t thb_bridge_set_limits(const GtxInput *in) {
  ThbBridgeSetLimitsArgs args;
  GTX_REQUIRE(thb_bridge_set_limits_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  const GtxAccountInfo *admin, *bridge;
  uint64_t err = thb_bridge_admin_accounts(in, &admin, &bridge);
  if (err) return err;
  /* 8. the limits make sense */
  GTX_REQUIRE(thb_bridge_limits_valid(&args.limits), THB_BRIDGE_ERR_INVALID_LIMITS);
  /* 9. write */
  uint8_t *d = bridge->data;
  thb_bridge_bridge_set_limits_max_per_deposit(d, args.limits.max_per_deposit);
  thb_bridge_bridge_set_limits_max_per_day(d, args.limits.max_per_day);
  thb_bridge_bridge_set_limits_withdrawal_timeout_secs(d, args.limits.withdrawal_timeout_secs);
  /* 10. event */
  thb_bridge_emit_limits_set(admin->key, args.limits.max_per_deposit, args.limits.max_per_day,
                             args.limits.withdrawal_timeout_secs);
  return GTX_SUCCESS;
}
