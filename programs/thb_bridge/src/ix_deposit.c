#include "thb_bridge.h"

#include <gtx/token.h>

/// deposit(deposit_id, recipient, amount, thb_tx_ref): mint `amount` THBC to the recipient's THBC
/// token account against a THB deposit, exactly once per deposit id.
///
/// Who may send it: anyone (the bridge service usually does, and pays the Deposit's rent); what
/// makes it valid is `threshold` distinct attestors' Ed25519 signatures over the deposit message
/// (thb_bridge_verify_attestation), in the Ed25519-program instructions just before this one.
/// Exactly once: the Deposit PDA ["deposit", deposit_id] is created here, so a second deposit with
/// the same id (whatever its amount) finds it and is refused with DepositAlreadyProcessed.
/// Limits: not paused, 0 < amount <= max_per_deposit, and today's (UTC day) minted total plus
/// amount <= max_per_day.
///
/// Accounts:
///   0. [writable, signer] payer - pays the Deposit's rent
///   1. [writable] bridge - PDA ["bridge"]; signs the mint as its authority
///   2. [writable] deposit - PDA ["deposit", deposit_id]; must not exist yet
///   3. [writable] thbc_mint - PDA ["thbc_mint"]
///   4. [writable] recipient_token - a THBC token account owned by `recipient`
///   5. [] token_program - SPL Token
///   6. [] system_program
///   7. [] instructions - the instructions sysvar
uint64_t thb_bridge_deposit(const GtxInput *in) {
  ThbBridgeDepositArgs args;
  GTX_REQUIRE(thb_bridge_deposit_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= THB_BRIDGE_IX_DEPOSIT_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *payer = &in->accounts[THB_BRIDGE_IX_DEPOSIT_PAYER];
  const GtxAccountInfo *bridge = &in->accounts[THB_BRIDGE_IX_DEPOSIT_BRIDGE];
  const GtxAccountInfo *deposit = &in->accounts[THB_BRIDGE_IX_DEPOSIT_DEPOSIT];
  const GtxAccountInfo *mint = &in->accounts[THB_BRIDGE_IX_DEPOSIT_THBC_MINT];
  const GtxAccountInfo *token = &in->accounts[THB_BRIDGE_IX_DEPOSIT_RECIPIENT_TOKEN];
  const GtxAccountInfo *token_program = &in->accounts[THB_BRIDGE_IX_DEPOSIT_TOKEN_PROGRAM];
  const GtxAccountInfo *system = &in->accounts[THB_BRIDGE_IX_DEPOSIT_SYSTEM_PROGRAM];
  const GtxAccountInfo *ixs = &in->accounts[THB_BRIDGE_IX_DEPOSIT_INSTRUCTIONS];
  /* 2. signer, 3. writable */
  GTX_REQUIRE(payer->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(payer->is_writable && bridge->is_writable && deposit->is_writable && mint->is_writable &&
                  token->is_writable,
              GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. programs, sysvar, owners */
  GTX_REQUIRE(gtx_pubkey_eq(token_program->key, &GTX_TOKEN_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_pubkey_eq(ixs->key, &GTX_SYSVAR_INSTRUCTIONS_ID), GTX_E_ACCOUNT_SYSVAR_MISMATCH);
  uint64_t err = thb_bridge_check_bridge(in, bridge);
  if (err) return err;
  uint8_t *b = bridge->data;
  /* Once per deposit id: the Deposit of this id exists, so it was minted already. (Only this
   * program writes Deposit accounts, each at the PDA of the id it stores, so a Deposit holding
   * this id is this id's PDA; any other account of ours is simply the wrong address, and must not
   * read as "already processed" to a service deciding whether a deposit still needs minting.) */
  if (gtx_is_owned_by(deposit, in->program_id)) {
    GTX_REQUIRE(deposit->data_len == THB_BRIDGE_ACCOUNT_DEPOSIT_LEN &&
                    gtx_disc_is(deposit->data, THB_BRIDGE_ACCOUNT_DEPOSIT_DISC) &&
                    gtx_memeq(thb_bridge_deposit_deposit_id(deposit->data), args.deposit_id, 32),
                GTX_E_CONSTRAINT_SEEDS);
    return GTX_FAIL(THB_BRIDGE_ERR_DEPOSIT_ALREADY_PROCESSED);
  }
  GTX_REQUIRE(gtx_is_owned_by(deposit, &GTX_SYSTEM_PROGRAM_ID), GTX_E_ACCOUNT_NOT_SYSTEM_OWNED);
  GTX_REQUIRE(gtx_pubkey_eq(mint->key, &THB_BRIDGE_PDA_THBC_MINT), THB_BRIDGE_ERR_WRONG_MINT);
  err = thb_bridge_check_thbc_account(token, args.recipient, true);
  if (err) return err;
  /* 5. size: the deposit is not allocated yet */
  GTX_REQUIRE(deposit->data_len == 0, GTX_E_CONSTRAINT_SPACE);
  /* 7. PDA: the canonical bump of ["deposit", deposit_id] */
  GtxSlice seeds[3];
  uint64_t n = thb_bridge_deposit_seeds(seeds, args.deposit_id, NULL);
  GtxPubkey expected;
  uint8_t bump;
  GTX_REQUIRE(gtx_pda_find_fast(seeds, n, in->program_id, &expected, &bump), GTX_E_CONSTRAINT_SEEDS);
  GTX_REQUIRE(gtx_pubkey_eq(&expected, deposit->key), GTX_E_CONSTRAINT_SEEDS);
  /* The attestors signed exactly this deposit, for this program, bridge and cluster. */
  ThbBridgeClaim claim = {args.deposit_id, args.recipient, args.thb_tx_ref, args.amount, THB_BRIDGE_KIND_DEPOSIT, false};
  err = thb_bridge_verify_attestation(in, ixs, b, &claim);
  if (err) return err;
  /* 8. business rules and checked math */
  GTX_REQUIRE(!thb_bridge_bridge_get_paused(b), THB_BRIDGE_ERR_BRIDGE_PAUSED);
  GTX_REQUIRE(args.amount > 0, THB_BRIDGE_ERR_ZERO_AMOUNT);
  GTX_REQUIRE(args.amount <= thb_bridge_bridge_get_limits_max_per_deposit(b), THB_BRIDGE_ERR_DEPOSIT_OVER_LIMIT);
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), THB_BRIDGE_ERR_CLOCK_UNAVAILABLE);
  uint64_t day = clock.unix_timestamp > 0 ? (uint64_t)clock.unix_timestamp / THB_BRIDGE_CONST_SECONDS_PER_DAY : 0;
  uint64_t day_minted = day == thb_bridge_bridge_get_day_index(b) ? thb_bridge_bridge_get_day_minted(b) : 0;
  GTX_REQUIRE(gtx_add(day_minted, args.amount, &day_minted) && day_minted <= thb_bridge_bridge_get_limits_max_per_day(b),
              THB_BRIDGE_ERR_DAILY_LIMIT_EXCEEDED);
  uint64_t total, count;
  GTX_REQUIRE(gtx_add(thb_bridge_bridge_get_total_deposited(b), args.amount, &total) &&
                  gtx_add(thb_bridge_bridge_get_deposit_count(b), 1, &count),
              THB_BRIDGE_ERR_OVERFLOW);
  /* 9. write: the Deposit record (its PDA signs its creation), the mint, the counters */
  uint8_t bump_seed = bump;
  n = thb_bridge_deposit_seeds(seeds, args.deposit_id, &bump_seed);
  GtxSigner signer = {seeds, n};
  err = thb_bridge_create_pda(payer, deposit, THB_BRIDGE_ACCOUNT_DEPOSIT_LEN, &signer);
  if (err) return err;
  err = thb_bridge_mint(bridge, mint, token, args.amount);
  if (err) return err;
  uint8_t *d = deposit->data;
  gtx_disc_write(d, THB_BRIDGE_ACCOUNT_DEPOSIT_DISC);
  gtx_memcpy(thb_bridge_deposit_deposit_id(d), args.deposit_id, 32);
  gtx_pubkey_copy(thb_bridge_deposit_recipient(d), args.recipient);
  thb_bridge_deposit_set_amount(d, args.amount);
  gtx_memcpy(thb_bridge_deposit_thb_tx_ref(d), args.thb_tx_ref, 32);
  thb_bridge_deposit_set_deposited_at(d, clock.unix_timestamp);
  thb_bridge_deposit_set_bump(d, bump);
  thb_bridge_bridge_set_day_index(b, day);
  thb_bridge_bridge_set_day_minted(b, day_minted);
  thb_bridge_bridge_set_total_deposited(b, total);
  thb_bridge_bridge_set_deposit_count(b, count);
  /* 10. event */
  thb_bridge_emit_deposited(args.deposit_id, args.recipient, token->key, args.amount, args.thb_tx_ref, total,
                            day_minted);
  return GTX_SUCCESS;
}
