#include "thb_bridge.h"

#include <gtx/token.h>

/// refund_withdrawal: re-mint exactly the burned amount to the holder's THBC token account and
/// mark the withdrawal Refunded, once.
///
/// Two ways to be valid: attested (the instruction just before this one is an Ed25519-program
/// instruction: then `threshold` distinct attestors must have signed the rejection message, kind
/// 2, for this withdrawal), or, with no Ed25519 instruction before it, by anyone once
/// withdrawal_timeout_secs have passed since the request (the attestors never paid it).
///
/// Accounts:
///   0. [writable] bridge - PDA ["bridge"]; signs the mint as its authority
///   1. [writable] withdrawal - PDA ["withdrawal", id]; Pending
///   2. [writable] thbc_mint - PDA ["thbc_mint"]
///   3. [writable] holder_token - a THBC token account owned by the withdrawal's holder
///   4. [] token_program - SPL Token
///   5. [] instructions - the instructions sysvar
uint64_t thb_bridge_refund_withdrawal(const GtxInput *in) {
  GTX_REQUIRE(thb_bridge_refund_withdrawal_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= THB_BRIDGE_IX_REFUND_WITHDRAWAL_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *bridge = &in->accounts[THB_BRIDGE_IX_REFUND_WITHDRAWAL_BRIDGE];
  const GtxAccountInfo *withdrawal = &in->accounts[THB_BRIDGE_IX_REFUND_WITHDRAWAL_WITHDRAWAL];
  const GtxAccountInfo *mint = &in->accounts[THB_BRIDGE_IX_REFUND_WITHDRAWAL_THBC_MINT];
  const GtxAccountInfo *token = &in->accounts[THB_BRIDGE_IX_REFUND_WITHDRAWAL_HOLDER_TOKEN];
  const GtxAccountInfo *token_program = &in->accounts[THB_BRIDGE_IX_REFUND_WITHDRAWAL_TOKEN_PROGRAM];
  const GtxAccountInfo *ixs = &in->accounts[THB_BRIDGE_IX_REFUND_WITHDRAWAL_INSTRUCTIONS];
  /* 2. no signer (attestation or timeout). 3. writable */
  GTX_REQUIRE(bridge->is_writable && withdrawal->is_writable && mint->is_writable && token->is_writable,
              GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. program, sysvar; bridge and withdrawal: owner, size, discriminator, PDA; the token account */
  GTX_REQUIRE(gtx_pubkey_eq(token_program->key, &GTX_TOKEN_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_pubkey_eq(ixs->key, &GTX_SYSVAR_INSTRUCTIONS_ID), GTX_E_ACCOUNT_SYSVAR_MISMATCH);
  uint64_t err = thb_bridge_check_bridge(in, bridge);
  if (err) return err;
  err = thb_bridge_check_withdrawal(in, withdrawal);
  if (err) return err;
  uint8_t *b = bridge->data, *w = withdrawal->data;
  GTX_REQUIRE(gtx_pubkey_eq(mint->key, &THB_BRIDGE_PDA_THBC_MINT), THB_BRIDGE_ERR_WRONG_MINT);
  err = thb_bridge_check_thbc_account(token, thb_bridge_withdrawal_holder(w), false);
  if (err) return err;
  /* 8. once; attested or expired; checked math */
  GTX_REQUIRE(thb_bridge_withdrawal_get_status(w) == THB_BRIDGE_ENUM_WITHDRAWAL_STATUS_PENDING,
              THB_BRIDGE_ERR_WITHDRAWAL_NOT_PENDING);
  uint64_t amount = thb_bridge_withdrawal_get_amount(w);
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), THB_BRIDGE_ERR_CLOCK_UNAVAILABLE);
  bool attested = thb_bridge_attestation_present(ixs);
  if (attested) {
    ThbBridgeClaim claim = {withdrawal->key->x, thb_bridge_withdrawal_holder(w), NULL, amount,
                            THB_BRIDGE_KIND_REJECT, false};
    err = thb_bridge_verify_attestation(in, ixs, b, &claim);
    if (err) return err;
  } else {
    int64_t age;
    GTX_REQUIRE(gtx_sub_i64(clock.unix_timestamp, thb_bridge_withdrawal_get_requested_at(w), &age) &&
                    age >= thb_bridge_bridge_get_limits_withdrawal_timeout_secs(b),
                THB_BRIDGE_ERR_WITHDRAWAL_NOT_EXPIRED);
  }
  uint64_t total;
  GTX_REQUIRE(gtx_add(thb_bridge_bridge_get_total_refunded(b), amount, &total), THB_BRIDGE_ERR_OVERFLOW);
  /* 9. write: re-mint what was burned, then the record */
  err = thb_bridge_mint(bridge, mint, token, amount);
  if (err) return err;
  thb_bridge_withdrawal_set_status(w, THB_BRIDGE_ENUM_WITHDRAWAL_STATUS_REFUNDED);
  thb_bridge_withdrawal_set_resolved_at(w, clock.unix_timestamp);
  thb_bridge_bridge_set_total_refunded(b, total);
  /* 10. event */
  thb_bridge_emit_withdrawal_refunded(withdrawal->key, thb_bridge_withdrawal_get_withdrawal_id(w),
                                      thb_bridge_withdrawal_holder(w), amount, attested);
  return GTX_SUCCESS;
}
