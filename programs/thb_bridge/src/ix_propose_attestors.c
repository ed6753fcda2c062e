#include "thb_bridge.h"

/// propose_attestors(attestors, attestor_count, threshold): first step of an attestor rotation
/// (admin). The set is recorded as pending under the rules of initialize: 1..=MAX_ATTESTORS
/// distinct non-zero keys, 1 <= threshold <= count, none of them the admin or the pending admin.
/// Nothing changes until every proposed key signs accept_attestors, so a mistyped key cannot lock
/// the bridge. A new proposal replaces a pending one.
///
/// Accounts:
///   0. [signer] admin - the bridge's admin
///   1. [writable] bridge - PDA ["bridge"]
uint64_t thb_bridge_propose_attestors(const GtxInput *in) {
  ThbBridgeProposeAttestorsArgs args;
  GTX_REQUIRE(thb_bridge_propose_attestors_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  const GtxAccountInfo *admin, *bridge;
  uint64_t err = thb_bridge_admin_accounts(in, &admin, &bridge);
  if (err) return err;
  uint8_t *d = bridge->data;
  /* 8. a valid set, apart from both the admin and a pending admin */
  err = thb_bridge_validate_attestors(args.attestors, args.attestor_count, args.threshold, admin->key);
  if (err) return err;
  GtxPubkey *pending = thb_bridge_bridge_pending_admin(d);
  for (uint64_t i = 0; i < args.attestor_count; i++)
    GTX_REQUIRE(!gtx_pubkey_eq((const GtxPubkey *)(args.attestors + 32 * i), pending),
                THB_BRIDGE_ERR_ADMIN_IS_ATTESTOR);
  /* 9. write */
  thb_bridge_write_pending_attestors(d, args.attestors, args.attestor_count, args.threshold);
  /* 10. event */
  thb_bridge_emit_attestors_proposed(admin->key, thb_bridge_bridge_pending_attestors(d), args.attestor_count,
                                     args.threshold);
  return GTX_SUCCESS;
}
