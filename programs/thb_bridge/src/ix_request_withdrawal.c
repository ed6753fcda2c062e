#include "thb_bridge.h"

#include <gtx/token.h>

/// request_withdrawal(amount, thb_destination): the holder burns `amount` THBC from their own THBC
/// token account and records a pending Withdrawal PDA ["withdrawal", id] (id = the bridge's
/// withdrawal_count), which the attestors complete once the THB is paid to `thb_destination`, or
/// which is refunded. Refused when paused.
///
/// Accounts:
///   0. [writable, signer] holder - owns holder_token; pays the Withdrawal's rent
///   1. [writable] bridge - PDA ["bridge"]
///   2. [writable] withdrawal - PDA ["withdrawal", bridge.withdrawal_count u64 LE]; must not exist yet
///   3. [writable] thbc_mint - PDA ["thbc_mint"]
///   4. [writable] holder_token - the holder's THBC token account
///   5. [] token_program - SPL Token
///   6. [] system_program
uint64_t thb_bridge_request_withdrawal(const GtxInput *in) {
  ThbBridgeRequestWithdrawalArgs args;
  GTX_REQUIRE(thb_bridge_request_withdrawal_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= THB_BRIDGE_IX_REQUEST_WITHDRAWAL_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *holder = &in->accounts[THB_BRIDGE_IX_REQUEST_WITHDRAWAL_HOLDER];
  const GtxAccountInfo *bridge = &in->accounts[THB_BRIDGE_IX_REQUEST_WITHDRAWAL_BRIDGE];
  const GtxAccountInfo *withdrawal = &in->accounts[THB_BRIDGE_IX_REQUEST_WITHDRAWAL_WITHDRAWAL];
  const GtxAccountInfo *mint = &in->accounts[THB_BRIDGE_IX_REQUEST_WITHDRAWAL_THBC_MINT];
  const GtxAccountInfo *token = &in->accounts[THB_BRIDGE_IX_REQUEST_WITHDRAWAL_HOLDER_TOKEN];
  const GtxAccountInfo *token_program = &in->accounts[THB_BRIDGE_IX_REQUEST_WITHDRAWAL_TOKEN_PROGRAM];
  const GtxAccountInfo *system = &in->accounts[THB_BRIDGE_IX_REQUEST_WITHDRAWAL_SYSTEM_PROGRAM];
  /* 2. signer, 3. writable */
  GTX_REQUIRE(holder->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(holder->is_writable && bridge->is_writable && withdrawal->is_writable && mint->is_writable &&
                  token->is_writable,
              GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. programs and owners */
  GTX_REQUIRE(gtx_pubkey_eq(token_program->key, &GTX_TOKEN_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  uint64_t err = thb_bridge_check_bridge(in, bridge);
  if (err) return err;
  uint8_t *b = bridge->data;
  GTX_REQUIRE(gtx_is_owned_by(withdrawal, &GTX_SYSTEM_PROGRAM_ID), GTX_E_ACCOUNT_NOT_SYSTEM_OWNED);
  GTX_REQUIRE(gtx_pubkey_eq(mint->key, &THB_BRIDGE_PDA_THBC_MINT), THB_BRIDGE_ERR_WRONG_MINT);
  /* Only the holder's own tokens: someone else's token account is refused. */
  err = thb_bridge_check_thbc_account(token, holder->key, false);
  if (err) return err;
  /* 5. size */
  GTX_REQUIRE(withdrawal->data_len == 0, GTX_E_CONSTRAINT_SPACE);
  /* 7. PDA: ["withdrawal", next id] with its canonical bump */
  uint64_t id = thb_bridge_bridge_get_withdrawal_count(b);
  uint8_t id_le[8];
  gtx_store_u64(id_le, id);
  GtxSlice seeds[3];
  uint64_t n = thb_bridge_withdrawal_seeds(seeds, id_le, NULL);
  GtxPubkey expected;
  uint8_t bump;
  GTX_REQUIRE(gtx_pda_find_fast(seeds, n, in->program_id, &expected, &bump), GTX_E_CONSTRAINT_SEEDS);
  GTX_REQUIRE(gtx_pubkey_eq(&expected, withdrawal->key), GTX_E_CONSTRAINT_SEEDS);
  /* 8. business rules and checked math */
  GTX_REQUIRE(!thb_bridge_bridge_get_paused(b), THB_BRIDGE_ERR_BRIDGE_PAUSED);
  GTX_REQUIRE(args.amount > 0, THB_BRIDGE_ERR_ZERO_AMOUNT);
  GTX_REQUIRE(gtx_token_account_amount(token->data) >= args.amount, THB_BRIDGE_ERR_INSUFFICIENT_FUNDS);
  uint64_t total, next;
  GTX_REQUIRE(gtx_add(thb_bridge_bridge_get_total_withdrawn(b), args.amount, &total) && gtx_add(id, 1, &next),
              THB_BRIDGE_ERR_OVERFLOW);
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), THB_BRIDGE_ERR_CLOCK_UNAVAILABLE);
  /* 9. write: burn (the holder signed this transaction), then the record and the counters */
  err = gtx_token_burn(&GTX_TOKEN_PROGRAM_ID, token, mint, holder, args.amount, NULL, 0);
  if (err) return err;
  uint8_t bump_seed = bump;
  n = thb_bridge_withdrawal_seeds(seeds, id_le, &bump_seed);
  GtxSigner signer = {seeds, n};
  err = thb_bridge_create_pda(holder, withdrawal, THB_BRIDGE_ACCOUNT_WITHDRAWAL_LEN, &signer);
  if (err) return err;
  uint8_t *w = withdrawal->data;
  gtx_disc_write(w, THB_BRIDGE_ACCOUNT_WITHDRAWAL_DISC);
  thb_bridge_withdrawal_set_withdrawal_id(w, id);
  gtx_pubkey_copy(thb_bridge_withdrawal_holder(w), holder->key);
  thb_bridge_withdrawal_set_amount(w, args.amount);
  gtx_memcpy(thb_bridge_withdrawal_thb_destination(w), args.thb_destination, 32);
  thb_bridge_withdrawal_set_requested_at(w, clock.unix_timestamp);
  thb_bridge_withdrawal_set_status(w, THB_BRIDGE_ENUM_WITHDRAWAL_STATUS_PENDING);
  thb_bridge_withdrawal_set_bump(w, bump);
  thb_bridge_bridge_set_total_withdrawn(b, total);
  thb_bridge_bridge_set_withdrawal_count(b, next);
  /* 10. event */
  thb_bridge_emit_withdrawal_requested(withdrawal->key, id, holder->key, args.amount, args.thb_destination);
  return GTX_SUCCESS;
}
