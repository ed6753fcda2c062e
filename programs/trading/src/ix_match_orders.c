#include "trading.h"

/* One fill's seven remaining accounts, in the IDL's order. */
typedef struct {
  const GtxAccountInfo *buy;
  const GtxAccountInfo *buy_escrow;
  const GtxAccountInfo *buyer_grid;
  const GtxAccountInfo *buyer_thbc;
  const GtxAccountInfo *sell;
  const GtxAccountInfo *sell_escrow;
  const GtxAccountInfo *seller_thbc;
} TradingFill;

/* What every fill of the transaction shares. */
typedef struct {
  const GtxInput *in;
  const GtxAccountInfo *market;
  const GtxAccountInfo *fee_destination;
  int64_t now;
} TradingMatchCtx;

/* Moves `amount` out of an order's escrow, the order PDA signing as the escrow's token authority.
 * Nothing to move is no CPI. */
static __attribute__((noinline)) uint64_t trading_pay(const GtxAccountInfo *escrow, const GtxAccountInfo *to,
                                                      const GtxAccountInfo *order, uint64_t amount) {
  if (amount == 0) return GTX_SUCCESS;
  uint8_t *d = order->data;
  GtxSlice seeds[5];
  uint64_t n = trading_order_seeds(seeds, trading_order_market(d), trading_order_owner(d),
                                   d + TRADING_ACCOUNT_ORDER_CLIENT_ORDER_ID_OFF, d + TRADING_ACCOUNT_ORDER_BUMP_OFF);
  GtxSigner signer = {seeds, n};
  return gtx_token_transfer(&GTX_TOKEN_PROGRAM_ID, escrow, to, order, amount, &signer, 1);
}

/* A token account of `owner` for `mint`. */
static bool trading_token_account_of(const GtxAccountInfo *a, const GtxPubkey *owner, const GtxPubkey *mint) {
  return gtx_is_owned_by(a, &GTX_TOKEN_PROGRAM_ID) && a->data_len == GTX_TOKEN_ACCOUNT_LEN &&
         gtx_pubkey_eq(gtx_token_account_owner(a->data), owner) && gtx_pubkey_eq(gtx_token_account_mint(a->data), mint);
}

/* Steps 3-7 for one fill's accounts: writable; both orders this program's, of this market, on
 * their sides; their stored escrows; destinations that belong to the orders' owners. */
static uint64_t trading_check_fill_accounts(const TradingMatchCtx *c, const TradingFill *f) {
  GTX_REQUIRE(f->buy->is_writable && f->buy_escrow->is_writable && f->buyer_grid->is_writable &&
                  f->buyer_thbc->is_writable && f->sell->is_writable && f->sell_escrow->is_writable &&
                  f->seller_thbc->is_writable,
              GTX_E_ACCOUNT_NOT_MUTABLE);
  uint64_t err = trading_check_order(c->in, f->buy);
  if (err) return err;
  err = trading_check_order(c->in, f->sell);
  if (err) return err;
  uint8_t *b = f->buy->data, *s = f->sell->data, *m = c->market->data;
  GTX_REQUIRE(gtx_pubkey_eq(trading_order_market(b), c->market->key) &&
                  gtx_pubkey_eq(trading_order_market(s), c->market->key),
              GTX_E_CONSTRAINT_HAS_ONE);
  GTX_REQUIRE(trading_order_get_side(b) == TRADING_ENUM_SIDE_BUY && trading_order_get_side(s) == TRADING_ENUM_SIDE_SELL,
              TRADING_ERR_WRONG_SIDE);
  GTX_REQUIRE(gtx_pubkey_eq(f->buy_escrow->key, trading_order_escrow(b)) &&
                  gtx_pubkey_eq(f->sell_escrow->key, trading_order_escrow(s)) &&
                  gtx_is_owned_by(f->buy_escrow, &GTX_TOKEN_PROGRAM_ID) &&
                  gtx_is_owned_by(f->sell_escrow, &GTX_TOKEN_PROGRAM_ID),
              TRADING_ERR_INVALID_ESCROW);
  /* what leaves an escrow goes only to the other side's owner (or back to the buyer) */
  GTX_REQUIRE(trading_token_account_of(f->buyer_grid, trading_order_owner(b), trading_market_grid_mint(m)) &&
                  trading_token_account_of(f->buyer_thbc, trading_order_owner(b), trading_market_thbc_mint(m)) &&
                  trading_token_account_of(f->seller_thbc, trading_order_owner(s), trading_market_thbc_mint(m)),
              TRADING_ERR_INVALID_OWNER_TOKEN_ACCOUNT);
  return GTX_SUCCESS;
}

/* One fill: checks, the arithmetic, both orders' new state, then the four transfers and the
 * event. A duplicate account mirrors the first, so a second fill of the same order in the same
 * transaction sees what the first one wrote: no overfill across fills. */
static __attribute__((noinline)) uint64_t trading_fill(const TradingMatchCtx *c, const TradingFill *f, uint64_t amount) {
  uint64_t err = trading_check_fill_accounts(c, f);
  if (err) return err;
  uint8_t *b = f->buy->data, *s = f->sell->data;
  /* 8. the rules of a fill */
  GTX_REQUIRE(!gtx_pubkey_eq(trading_order_owner(b), trading_order_owner(s)), TRADING_ERR_SELF_TRADE);
  GTX_REQUIRE(c->now < trading_order_get_expires_at(b) && c->now < trading_order_get_expires_at(s),
              TRADING_ERR_ORDER_EXPIRED);
  uint64_t buy_amount = trading_order_get_amount_wh(b), buy_filled = trading_order_get_filled_wh(b);
  uint64_t sell_amount = trading_order_get_amount_wh(s), sell_filled = trading_order_get_filled_wh(s);
  /* filled <= amount always holds (only fills raise filled, by at most what remains) */
  uint64_t buy_rem = buy_amount - buy_filled, sell_rem = sell_amount - sell_filled;
  GTX_REQUIRE(buy_rem > 0 && sell_rem > 0, TRADING_ERR_ORDER_NOT_OPEN);
  GTX_REQUIRE(amount > 0 && amount <= buy_rem && amount <= sell_rem, TRADING_ERR_OVERFILL);
  uint64_t buy_limit = trading_order_get_limit_price(b), sell_limit = trading_order_get_limit_price(s);
  GTX_REQUIRE(buy_limit >= sell_limit, TRADING_ERR_PRICES_DO_NOT_CROSS);
  /* the maker (resting) order is the one created first; a tie goes to the sell order */
  bool buy_is_maker = trading_order_get_created_at(b) < trading_order_get_created_at(s);
  uint64_t price = buy_is_maker ? buy_limit : sell_limit;
  /* cost rounds down (the buyer's lock rounds up, so the lock always covers it: see README) */
  uint64_t cost, fee, keep, release;
  GTX_REQUIRE(gtx_mul_div(amount, price, TRADING_CONST_WH_PER_KWH, GTX_ROUND_DOWN, &cost), TRADING_ERR_MATH_OVERFLOW);
  GTX_REQUIRE(cost > 0, TRADING_ERR_FILL_TOO_SMALL);
  /* fee <= cost: fee_bps <= MAX_FEE_BPS < 10,000 */
  GTX_REQUIRE(gtx_mul_div(cost, trading_market_get_config_fee_bps(c->market->data), TRADING_CONST_BPS_DENOMINATOR,
                          GTX_ROUND_DOWN, &fee),
              TRADING_ERR_MATH_OVERFLOW);
  /* the buyer keeps locked what its remainder needs at its own limit; the rest goes back */
  uint64_t buy_rem_after = buy_rem - amount;
  GTX_REQUIRE(gtx_mul_div(buy_rem_after, buy_limit, TRADING_CONST_WH_PER_KWH, GTX_ROUND_UP, &keep),
              TRADING_ERR_MATH_OVERFLOW);
  uint64_t buy_locked = trading_order_get_locked(b), after_cost;
  GTX_REQUIRE(gtx_sub(buy_locked, cost, &after_cost) && gtx_sub(after_cost, keep, &release), TRADING_ERR_MATH_OVERFLOW);
  uint64_t sell_locked;
  GTX_REQUIRE(gtx_sub(trading_order_get_locked(s), amount, &sell_locked), TRADING_ERR_MATH_OVERFLOW);
  /* 9. the orders first, then the tokens */
  trading_order_set_filled_wh(b, buy_filled + amount);
  trading_order_set_locked(b, keep);
  trading_order_set_filled_wh(s, sell_filled + amount);
  trading_order_set_locked(s, sell_locked);
  err = trading_pay(f->sell_escrow, f->buyer_grid, f->sell, amount);
  if (err) return err;
  err = trading_pay(f->buy_escrow, f->seller_thbc, f->buy, cost - fee);
  if (err) return err;
  err = trading_pay(f->buy_escrow, c->fee_destination, f->buy, fee);
  if (err) return err;
  err = trading_pay(f->buy_escrow, f->buyer_thbc, f->buy, release);
  if (err) return err;
  /* 10. event */
  trading_emit_order_filled(f->buy->key, f->sell->key, trading_order_owner(b), trading_order_owner(s),
                            buy_is_maker ? f->buy->key : f->sell->key, amount, price, cost, fee, trading_order_owner(s),
                            release, buy_filled + amount, sell_filled + amount);
  return GTX_SUCCESS;
}

/// match_orders(fills): anyone settles fills[i] Wh between pairs of crossing orders, atomically.
/// It can only do what both orders allow: the price is the maker's limit, the amount within both
/// remainders, the GRID goes to the buyer, the THBC to the seller (less the fee, which the seller
/// pays) and the buyer's unneeded lock back to the buyer. Any bad fill fails the transaction.
///
/// Accounts:
///   0. [] market - PDA ["market"]
///   1. [writable] fee_destination - the market's fee destination
///   2. [] token_program - SPL Token
///   then, per fill (FILL_ACCOUNTS = 7):
///   +0. [writable] buy_order    +1. [writable] buy_escrow   +2. [writable] buyer_grid (buyer's GRID)
///   +3. [writable] buyer_thbc (buyer's THBC, for the release)
///   +4. [writable] sell_order   +5. [writable] sell_escrow  +6. [writable] seller_thbc (seller's THBC)
uint64_t trading_match_orders(const GtxInput *in) {
  TradingMatchOrdersArgs args;
  GTX_REQUIRE(trading_match_orders_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  uint64_t n = args.fills_len / 8;
  GTX_REQUIRE(args.fills_len % 8 == 0 && n >= 1 && n <= TRADING_CONST_MAX_FILLS, TRADING_ERR_INVALID_FILLS);
  /* 1. account count: exactly the fixed accounts and seven per fill */
  GTX_REQUIRE(in->account_count >= TRADING_IX_MATCH_ORDERS_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  GTX_REQUIRE(in->account_count == TRADING_IX_MATCH_ORDERS_ACCOUNTS + n * TRADING_CONST_FILL_ACCOUNTS,
              TRADING_ERR_INVALID_FILLS);
  const GtxAccountInfo *market = &in->accounts[TRADING_IX_MATCH_ORDERS_MARKET];
  const GtxAccountInfo *fee_destination = &in->accounts[TRADING_IX_MATCH_ORDERS_FEE_DESTINATION];
  const GtxAccountInfo *token_program = &in->accounts[TRADING_IX_MATCH_ORDERS_TOKEN_PROGRAM];
  /* 2. no signer: anyone may match. 3. writable */
  GTX_REQUIRE(fee_destination->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. programs and the market */
  GTX_REQUIRE(gtx_pubkey_eq(token_program->key, &GTX_TOKEN_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  uint64_t err = trading_check_market(in, market);
  if (err) return err;
  GTX_REQUIRE(gtx_pubkey_eq(fee_destination->key, trading_market_fee_destination(market->data)),
              TRADING_ERR_INVALID_FEE_DESTINATION);
  /* 8. the market is open */
  GTX_REQUIRE(!trading_market_get_paused(market->data), TRADING_ERR_MARKET_PAUSED);
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), TRADING_ERR_CLOCK_UNAVAILABLE);
  TradingMatchCtx c = {in, market, fee_destination, clock.unix_timestamp};
  const GtxAccountInfo *a = &in->accounts[TRADING_IX_MATCH_ORDERS_ACCOUNTS];
  for (uint64_t i = 0; i < n; i++, a += TRADING_CONST_FILL_ACCOUNTS) {
    TradingFill f = {&a[0], &a[1], &a[2], &a[3], &a[4], &a[5], &a[6]};
    err = trading_fill(&c, &f, gtx_load_u64(args.fills + 8 * i));
    if (err) return err;
  }
  return GTX_SUCCESS;
}
