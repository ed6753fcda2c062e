#include "thb_bridge.h"

/// transfer_admin(new_admin): first step of a two-step hand-over. Records the pending admin;
/// nothing changes hands until it signs accept_admin, so a typo cannot lock the bridge. The
/// default (all-zero) key cancels a pending hand-over. An attestor (or a proposed attestor) may not
/// become the admin.
///
/// Accounts:
///   0. [signer] admin - the bridge's admin
///   1. [writable] bridge - PDA ["bridge"]
uint64_t thb_bridge_transfer_admin(const GtxInput *in) {
  ThbBridgeTransferAdminArgs args;
  GTX_REQUIRE(thb_bridge_transfer_admin_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  const GtxAccountInfo *admin, *bridge;
  uint64_t err = thb_bridge_admin_accounts(in, &admin, &bridge);
  if (err) return err;
  /* 8. the admin and the attestors (also a proposed set) stay different keys */
  GTX_REQUIRE(!thb_bridge_is_attestor(bridge->data, args.new_admin) &&
                  !thb_bridge_is_pending_attestor(bridge->data, args.new_admin),
              THB_BRIDGE_ERR_ADMIN_IS_ATTESTOR);
  /* 9. write */
  gtx_pubkey_copy(thb_bridge_bridge_pending_admin(bridge->data), args.new_admin);
  /* 10. event */
  thb_bridge_emit_admin_transfer_proposed(admin->key, args.new_admin);
  return GTX_SUCCESS;
}
