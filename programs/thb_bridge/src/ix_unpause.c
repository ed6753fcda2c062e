#include "thb_bridge.h"

/// unpause: resume deposit and request_withdrawal.
///
/// Accounts:
///   0. [signer] admin - the bridge's admin
///   1. [writable] bridge - PDA ["bridge"]
uint64_t thb_bridge_unpause(const GtxInput *in) {
  GTX_REQUIRE(thb_bridge_unpause_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  const GtxAccountInfo *admin, *bridge;
  uint64_t err = thb_bridge_admin_accounts(in, &admin, &bridge);
  if (err) return err;
  /* 9. write */
  thb_bridge_bridge_set_paused(bridge->data, false);
  /* 10. event */
  thb_bridge_emit_paused_set(admin->key, false);
  return GTX_SUCCESS;
}
