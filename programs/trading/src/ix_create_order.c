#include "trading.h"

/* The Oracle's fresh retail price, the band's reference: the account is the Oracle program's
 * PDA ["oracle"] (a build-time constant), of its exact layout, with a price no older than the
 * market's max_oracle_age_secs. */
static uint64_t trading_reference_price(const GtxAccountInfo *oracle, const uint8_t *market, int64_t now,
                                        uint64_t *out) {
  GTX_REQUIRE(gtx_pubkey_eq(oracle->key, &ORACLE_PDA_ORACLE) && gtx_is_owned_by(oracle, &ORACLE_PROGRAM_ID) &&
                  oracle->data_len == ORACLE_ACCOUNT_ORACLE_LEN &&
                  gtx_disc_is(oracle->data, ORACLE_ACCOUNT_ORACLE_DISC),
              TRADING_ERR_INVALID_ORACLE);
  const uint8_t *o = oracle->data;
  GTX_REQUIRE(oracle_oracle_get_update_count(o) > 0, TRADING_ERR_ORACLE_PRICE_NOT_SET);
  int64_t updated_at = oracle_oracle_get_updated_at(o);
  /* now > updated_at: the difference of two i64 fits in a u64 */
  uint64_t age = now > updated_at ? (uint64_t)now - (uint64_t)updated_at : 0;
  GTX_REQUIRE(age <= trading_market_get_config_max_oracle_age_secs(market), TRADING_ERR_ORACLE_STALE);
  *out = oracle_oracle_get_retail_price(o);
  return GTX_SUCCESS;
}

/* Creates the Order account, then moves the collateral into the vault (the owner signs the
 * transfer). Out of line: the CPI structs need their own stack frame. */
static __attribute__((noinline)) uint64_t trading_open_order(const GtxInput *in, const TradingCreateOrderArgs *args,
                                                             uint8_t order_bump, uint64_t lock) {
  const GtxAccountInfo *a = in->accounts;
  const GtxAccountInfo *owner = &a[TRADING_IX_CREATE_ORDER_OWNER];
  const GtxAccountInfo *order = &a[TRADING_IX_CREATE_ORDER_ORDER];
  GtxSlice seeds[5];
  uint64_t n = trading_order_seeds(seeds, &TRADING_PDA_MARKET, owner->key, (const uint8_t *)&args->client_order_id,
                                   &order_bump);
  GtxSigner signer = {seeds, n};
  uint64_t err = gtx_init_pda_account(owner, order, TRADING_ACCOUNT_ORDER_LEN, in->program_id, &signer);
  if (err) return err;
  trading_refresh_data_len(order);
  return gtx_token_transfer(&GTX_TOKEN_PROGRAM_ID, &a[TRADING_IX_CREATE_ORDER_OWNER_TOKEN_ACCOUNT],
                            &a[TRADING_IX_CREATE_ORDER_VAULT], owner, lock, NULL, 0);
}

/// create_order(side, client_order_id, amount_wh, limit_price, expires_at, green): the owner opens a
/// collateralised order. A sell locks amount_wh GRID; a buy locks ceil(amount_wh * limit_price /
/// 1000) THBC (the seller pays the fee out of what it receives, so the buyer's lock is the cost
/// alone). The lock moves from owner_token_account into the market's vault for that mint, whose
/// token authority is the market PDA: it can leave only through this program's cancel or close,
/// to the order's owner or, after a fill, to its counterparty's order's owner.
/// The market and the oracle are read only; the vault is written by the token program alone, so
/// orders of different owners do not contend for any account of this program.
///
/// Accounts:
///   0. [writable, signer] owner - signs, pays the order's rent
///   1. [] market - PDA ["market"]
///   2. [] oracle - the Oracle program's PDA ["oracle"]
///   3. [writable] order - PDA ["order", market, owner, client_order_id LE]; must not exist
///   4. [writable] vault - PDA ["grid_vault"] (a sell) or ["thbc_vault"] (a buy)
///   5. [writable] owner_token_account - the owner's token account of the side's mint (source)
///   6. [] token_program - SPL Token
///   7. [] system_program
///   a green sell (green = true) also:
///   8. [writable] certificate - a Validated Governance certificate of the owner, not locked
///   9. [] governance_program
uint64_t trading_create_order(const GtxInput *in) {
  TradingCreateOrderArgs args;
  GTX_REQUIRE(trading_create_order_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= TRADING_IX_CREATE_ORDER_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *owner = &in->accounts[TRADING_IX_CREATE_ORDER_OWNER];
  const GtxAccountInfo *market = &in->accounts[TRADING_IX_CREATE_ORDER_MARKET];
  const GtxAccountInfo *oracle = &in->accounts[TRADING_IX_CREATE_ORDER_ORACLE];
  const GtxAccountInfo *order = &in->accounts[TRADING_IX_CREATE_ORDER_ORDER];
  const GtxAccountInfo *vault = &in->accounts[TRADING_IX_CREATE_ORDER_VAULT];
  const GtxAccountInfo *source = &in->accounts[TRADING_IX_CREATE_ORDER_OWNER_TOKEN_ACCOUNT];
  const GtxAccountInfo *token_program = &in->accounts[TRADING_IX_CREATE_ORDER_TOKEN_PROGRAM];
  const GtxAccountInfo *system = &in->accounts[TRADING_IX_CREATE_ORDER_SYSTEM_PROGRAM];
  /* 2. signer */
  GTX_REQUIRE(owner->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  /* 3. writable */
  GTX_REQUIRE(owner->is_writable && order->is_writable && vault->is_writable && source->is_writable,
              GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. programs and owners; the new accounts still belong to the System program */
  GTX_REQUIRE(gtx_pubkey_eq(token_program->key, &GTX_TOKEN_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_is_owned_by(order, &GTX_SYSTEM_PROGRAM_ID), GTX_E_ACCOUNT_NOT_SYSTEM_OWNED);
  /* 5. size: nothing allocated yet */
  GTX_REQUIRE(order->data_len == 0, GTX_E_CONSTRAINT_SPACE);
  /* 4-7. the market: owner, size, discriminator, address */
  uint64_t err = trading_check_market(in, market);
  if (err) return err;
  const uint8_t *m = market->data;
  /* 7. the order PDA: canonical bump, found with sha256 + curve test per try */
  GtxSlice seeds[5];
  uint64_t n = trading_order_seeds(seeds, market->key, owner->key, (const uint8_t *)&args.client_order_id, NULL);
  GtxPubkey expected;
  uint8_t order_bump;
  GTX_REQUIRE(gtx_pda_find_fast(seeds, n, in->program_id, &expected, &order_bump) &&
                  gtx_pubkey_eq(&expected, order->key),
              GTX_E_CONSTRAINT_SEEDS);
  /* 8. business rules, in the order a client would fix them */
  GTX_REQUIRE(!trading_market_get_paused(m), TRADING_ERR_MARKET_PAUSED);
  bool sell = args.side == TRADING_ENUM_SIDE_SELL;
  const GtxPubkey *side_mint = sell ? trading_market_grid_mint((uint8_t *)m) : trading_market_thbc_mint((uint8_t *)m);
  GTX_REQUIRE(gtx_is_owned_by(source, &GTX_TOKEN_PROGRAM_ID) && source->data_len == GTX_TOKEN_ACCOUNT_LEN &&
                  gtx_pubkey_eq(gtx_token_account_mint(source->data), side_mint),
              TRADING_ERR_MINT_MISMATCH);
  /* the vault: a fixed PDA of this program (only initialize created it, with the market as its
   * token authority) */
  GTX_REQUIRE(gtx_pubkey_eq(vault->key, sell ? &TRADING_PDA_GRID_VAULT : &TRADING_PDA_THBC_VAULT),
              TRADING_ERR_INVALID_VAULT);
  GTX_REQUIRE(args.limit_price > 0, TRADING_ERR_ZERO_PRICE);
  GTX_REQUIRE(args.amount_wh >= trading_market_get_config_min_order_wh(m), TRADING_ERR_ORDER_TOO_SMALL);
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), TRADING_ERR_CLOCK_UNAVAILABLE);
  GTX_REQUIRE(args.expires_at > clock.unix_timestamp, TRADING_ERR_EXPIRY_NOT_IN_FUTURE);
  uint64_t reference;
  err = trading_reference_price(oracle, m, clock.unix_timestamp, &reference);
  if (err) return err;
  /* band: ceil(ref * (1 - band)) <= limit <= floor(ref * (1 + band)), exact in 128 bits */
  uint64_t band = trading_market_get_config_price_band_bps(m);
  uint64_t lo, hi;
  GTX_REQUIRE(gtx_mul_div(reference, TRADING_CONST_BPS_DENOMINATOR - band, TRADING_CONST_BPS_DENOMINATOR,
                          GTX_ROUND_UP, &lo),
              TRADING_ERR_MATH_OVERFLOW);
  /* the upper bound may exceed u64 only if the reference is near u64::MAX: then nothing is too high */
  if (!gtx_mul_div(reference, TRADING_CONST_BPS_DENOMINATOR + band, TRADING_CONST_BPS_DENOMINATOR, GTX_ROUND_DOWN,
                   &hi))
    hi = UINT64_MAX;
  GTX_REQUIRE(args.limit_price >= lo && args.limit_price <= hi, TRADING_ERR_PRICE_OUTSIDE_BAND);
  /* a green sell names its certificate; Governance checks it (validated, the owner's, free
   * volume, not backing another order) when it locks it below */
  const GtxAccountInfo *certificate = NULL;
  if (sell && args.green) {
    GTX_REQUIRE(in->account_count >= TRADING_IX_CREATE_ORDER_ACCOUNTS + 2, TRADING_ERR_GREEN_ACCOUNTS_MISSING);
    certificate = &in->accounts[TRADING_IX_CREATE_ORDER_ACCOUNTS];
    GTX_REQUIRE(certificate->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
    err = trading_green_program_ok(&in->accounts[TRADING_IX_CREATE_ORDER_ACCOUNTS + 1]);
    if (err) return err;
  }
  uint64_t lock = args.amount_wh;
  if (!sell)
    GTX_REQUIRE(gtx_mul_div(args.amount_wh, args.limit_price, TRADING_CONST_WH_PER_KWH, GTX_ROUND_UP, &lock),
                TRADING_ERR_MATH_OVERFLOW);
  /* 9. accounts, collateral, then the order's fields */
  err = trading_open_order(in, &args, order_bump, lock);
  if (err) return err;
  uint8_t *d = order->data;
  gtx_disc_write(d, TRADING_ACCOUNT_ORDER_DISC);
  gtx_pubkey_copy(trading_order_market(d), market->key);
  gtx_pubkey_copy(trading_order_owner(d), owner->key);
  trading_order_set_client_order_id(d, args.client_order_id);
  trading_order_set_amount_wh(d, args.amount_wh);
  trading_order_set_limit_price(d, args.limit_price);
  trading_order_set_locked(d, lock);
  trading_order_set_created_at(d, clock.unix_timestamp);
  trading_order_set_expires_at(d, args.expires_at);
  trading_order_set_side(d, args.side);
  trading_order_set_bump(d, order_bump);
  trading_order_set_green_only(d, !sell && args.green);
  if (certificate) {
    gtx_pubkey_copy(trading_order_certificate(d), certificate->key);
    /* the order's fields are written first: Governance reads the order it locks for */
    err = trading_green_lock(in, order, certificate, owner, args.amount_wh);
    if (err) return err;
  }
  /* 10. event */
  trading_emit_order_created(order->key, owner->key, args.side, args.client_order_id, args.amount_wh,
                             args.limit_price, lock, args.expires_at, reference, trading_order_certificate(d),
                             !sell && args.green);
  return GTX_SUCCESS;
}
