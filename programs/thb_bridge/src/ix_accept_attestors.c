#include "thb_bridge.h"

/// accept_attestors: second step of an attestor rotation. Every key of the pending set signs the
/// acceptance (kind 3: subject sha256(pending_attestors[5] || pending_attestor_count ||
/// pending_threshold), account the admin) in the Ed25519-program instruction just before this
/// one, which proves each new key is held; the pending set becomes the attestor set.
///
/// Who may send it: anyone; the signatures are what makes it valid.
///
/// Accounts:
///   0. [writable] bridge - PDA ["bridge"]
///   1. [] instructions - the instructions sysvar
uint64_t thb_bridge_accept_attestors(const GtxInput *in) {
  GTX_REQUIRE(thb_bridge_accept_attestors_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= THB_BRIDGE_IX_ACCEPT_ATTESTORS_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *bridge = &in->accounts[THB_BRIDGE_IX_ACCEPT_ATTESTORS_BRIDGE];
  const GtxAccountInfo *ixs = &in->accounts[THB_BRIDGE_IX_ACCEPT_ATTESTORS_INSTRUCTIONS];
  /* 2. no signer: the pending attestors' signatures are checked below. 3. writable */
  GTX_REQUIRE(bridge->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. the sysvar's address; the bridge's owner, size, discriminator, PDA */
  GTX_REQUIRE(gtx_pubkey_eq(ixs->key, &GTX_SYSVAR_INSTRUCTIONS_ID), GTX_E_ACCOUNT_SYSVAR_MISMATCH);
  uint64_t err = thb_bridge_check_bridge(in, bridge);
  if (err) return err;
  uint8_t *d = bridge->data;
  /* 8. a rotation is pending, and all of its keys accepted exactly it */
  uint8_t count = thb_bridge_bridge_get_pending_attestor_count(d);
  uint8_t threshold = thb_bridge_bridge_get_pending_threshold(d);
  GTX_REQUIRE(count >= 1 && count <= THB_BRIDGE_CONST_MAX_ATTESTORS, THB_BRIDGE_ERR_NO_PENDING_ATTESTORS);
  uint8_t subject[32];
  uint8_t tail[2] = {count, threshold};
  GtxSlice parts[2] = {{thb_bridge_bridge_pending_attestors(d), 32 * THB_BRIDGE_CONST_MAX_ATTESTORS}, {tail, 2}};
  GTX_REQUIRE(sol_sha256(parts, 2, subject) == 0, THB_BRIDGE_ERR_ATTESTATION_MISMATCH);
  ThbBridgeClaim claim = {subject, thb_bridge_bridge_admin(d), NULL, 0, THB_BRIDGE_KIND_ACCEPT_ATTESTORS, true};
  err = thb_bridge_verify_attestation(in, ixs, d, &claim);
  if (err) return err;
  /* 9. write: the pending set becomes the set; nothing stays pending */
  thb_bridge_write_attestors(d, thb_bridge_bridge_pending_attestors(d), count, threshold);
  thb_bridge_write_pending_attestors(d, NULL, 0, 0);
  /* 10. event */
  thb_bridge_emit_attestors_set(thb_bridge_bridge_admin(d), thb_bridge_bridge_attestors(d), count, threshold);
  return GTX_SUCCESS;
}
