#include "thb_bridge.h"

/// complete_withdrawal(thb_tx_ref): the attestors confirm that the THB of a pending withdrawal was
/// paid (THB payout transaction thb_tx_ref); the withdrawal becomes Completed, once.
///
/// Who may send it: anyone; what makes it valid is `threshold` distinct attestors' signatures
/// over the release message (kind 1: the Withdrawal's address, its holder, amount and
/// thb_tx_ref), in the Ed25519-program instructions just before this one.
///
/// Accounts:
///   0. [writable] bridge - PDA ["bridge"]
///   1. [writable] withdrawal - PDA ["withdrawal", id]; Pending
///   2. [] instructions - the instructions sysvar
uint64_t thb_bridge_complete_withdrawal(const GtxInput *in) {
  ThbBridgeCompleteWithdrawalArgs args;
  GTX_REQUIRE(thb_bridge_complete_withdrawal_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= THB_BRIDGE_IX_COMPLETE_WITHDRAWAL_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *bridge = &in->accounts[THB_BRIDGE_IX_COMPLETE_WITHDRAWAL_BRIDGE];
  const GtxAccountInfo *withdrawal = &in->accounts[THB_BRIDGE_IX_COMPLETE_WITHDRAWAL_WITHDRAWAL];
  const GtxAccountInfo *ixs = &in->accounts[THB_BRIDGE_IX_COMPLETE_WITHDRAWAL_INSTRUCTIONS];
  /* 2. no signer: the attestors' signatures are checked below. 3. writable */
  GTX_REQUIRE(bridge->is_writable && withdrawal->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. the sysvar's address; bridge and withdrawal: owner, size, discriminator, PDA */
  GTX_REQUIRE(gtx_pubkey_eq(ixs->key, &GTX_SYSVAR_INSTRUCTIONS_ID), GTX_E_ACCOUNT_SYSVAR_MISMATCH);
  uint64_t err = thb_bridge_check_bridge(in, bridge);
  if (err) return err;
  err = thb_bridge_check_withdrawal(in, withdrawal);
  if (err) return err;
  uint8_t *b = bridge->data, *w = withdrawal->data;
  /* 8. once: only a pending withdrawal completes */
  GTX_REQUIRE(thb_bridge_withdrawal_get_status(w) == THB_BRIDGE_ENUM_WITHDRAWAL_STATUS_PENDING,
              THB_BRIDGE_ERR_WITHDRAWAL_NOT_PENDING);
  uint64_t amount = thb_bridge_withdrawal_get_amount(w);
  ThbBridgeClaim claim = {withdrawal->key->x, thb_bridge_withdrawal_holder(w), args.thb_tx_ref, amount,
                          THB_BRIDGE_KIND_RELEASE, false};
  err = thb_bridge_verify_attestation(in, ixs, b, &claim);
  if (err) return err;
  uint64_t total;
  GTX_REQUIRE(gtx_add(thb_bridge_bridge_get_total_completed(b), amount, &total), THB_BRIDGE_ERR_OVERFLOW);
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), THB_BRIDGE_ERR_CLOCK_UNAVAILABLE);
  /* 9. write */
  thb_bridge_withdrawal_set_status(w, THB_BRIDGE_ENUM_WITHDRAWAL_STATUS_COMPLETED);
  gtx_memcpy(thb_bridge_withdrawal_release_ref(w), args.thb_tx_ref, 32);
  thb_bridge_withdrawal_set_resolved_at(w, clock.unix_timestamp);
  thb_bridge_bridge_set_total_completed(b, total);
  /* 10. event */
  thb_bridge_emit_withdrawal_completed(withdrawal->key, thb_bridge_withdrawal_get_withdrawal_id(w),
                                       thb_bridge_withdrawal_holder(w), amount, args.thb_tx_ref);
  return GTX_SUCCESS;
}
