#include "trading.h"

/* What every fill of the transaction shares. */
typedef struct {
  const GtxInput *in;
  const GtxAccountInfo *market;
  int64_t now;
  bool green; /* out: the last fill's sell is green */
} TradingMatchCtx;

/* Steps 3-7 for one fill's two orders: writable, this program's, of this market, on their sides. */
static uint64_t trading_check_fill_accounts(const TradingMatchCtx *c, const GtxAccountInfo *buy,
                                            const GtxAccountInfo *sell) {
  GTX_REQUIRE(buy->is_writable && sell->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  uint64_t err = trading_check_order(c->in, buy);
  if (err) return err;
  err = trading_check_order(c->in, sell);
  if (err) return err;
  uint8_t *b = buy->data, *s = sell->data;
  GTX_REQUIRE(gtx_pubkey_eq(trading_order_market(b), c->market->key) &&
                  gtx_pubkey_eq(trading_order_market(s), c->market->key),
              GTX_E_CONSTRAINT_HAS_ONE);
  GTX_REQUIRE(trading_order_get_side(b) == TRADING_ENUM_SIDE_BUY && trading_order_get_side(s) == TRADING_ENUM_SIDE_SELL,
              TRADING_ERR_WRONG_SIDE);
  return GTX_SUCCESS;
}

/* One fill: checks, the arithmetic, both orders' new numbers (no token moves: what the fill
 * credits stays in the vaults until cancel / close pays it out), then the event. A duplicate
 * account mirrors the first, so a second fill of the same order in the same transaction sees
 * what the first one wrote: no overfill across fills. */
static __attribute__((noinline)) uint64_t trading_fill(TradingMatchCtx *c, const GtxAccountInfo *buy,
                                                       const GtxAccountInfo *sell, uint64_t amount) {
  uint64_t err = trading_check_fill_accounts(c, buy, sell);
  if (err) return err;
  uint8_t *b = buy->data, *s = sell->data;
  /* a green sell is one with a certificate */
  bool green = !gtx_pubkey_is_zero(trading_order_certificate(s));
  c->green = green;
  /* 8. the rules of a fill */
  GTX_REQUIRE(!gtx_pubkey_eq(trading_order_owner(b), trading_order_owner(s)), TRADING_ERR_SELF_TRADE);
  GTX_REQUIRE(green || !trading_order_get_green_only(b), TRADING_ERR_GREEN_ONLY_BUY);
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
  uint64_t sell_locked, buy_grid, buy_thbc, sell_thbc, sell_fee;
  GTX_REQUIRE(gtx_sub(trading_order_get_locked(s), amount, &sell_locked) &&
                  gtx_add(trading_order_get_settled_grid(b), amount, &buy_grid) &&
                  gtx_add(trading_order_get_settled_thbc(b), release, &buy_thbc) &&
                  gtx_add(trading_order_get_settled_thbc(s), cost - fee, &sell_thbc) &&
                  gtx_add(trading_order_get_fee_owed(s), fee, &sell_fee),
              TRADING_ERR_MATH_OVERFLOW);
  /* 9. both orders: the buy's lock pays cost + release, the sell's lock delivers the GRID */
  trading_order_set_filled_wh(b, buy_filled + amount);
  trading_order_set_locked(b, keep);
  trading_order_set_settled_grid(b, buy_grid);
  trading_order_set_settled_thbc(b, buy_thbc);
  trading_order_set_filled_wh(s, sell_filled + amount);
  trading_order_set_locked(s, sell_locked);
  trading_order_set_settled_thbc(s, sell_thbc);
  trading_order_set_fee_owed(s, sell_fee);
  /* 10. event */
  trading_emit_order_filled(buy->key, sell->key, trading_order_owner(b), trading_order_owner(s),
                            buy_is_maker ? buy->key : sell->key, amount, price, cost, fee, trading_order_owner(s),
                            release, buy_filled + amount, sell_filled + amount, green);
  return GTX_SUCCESS;
}

/// match_orders(fills): anyone settles fills[i] Wh between pairs of crossing orders, atomically.
/// It can only do what both orders allow: the price is the maker's limit, the amount within both
/// remainders; the buyer is credited the GRID and its unneeded lock, the seller the THBC less the
/// fee, which it owes. No token moves: a fill is two order writes, and cancel / close pay out.
/// A green sell's fill also has Governance hand the filled volume of its certificate to the
/// buyer, as a certificate of the same provenance. Any bad fill fails the transaction.
///
/// Accounts:
///   0. [] market - PDA ["market"]
///   then, per fill (FILL_ACCOUNTS = 2):
///   +0. [writable] buy_order    +1. [writable] sell_order
///   and, when the sell is green, two more:
///   +2. [writable] source (the sell's certificate)
///   +3. [writable] buyer_certificate - Governance PDA ["certificate_fill", source, buy_order]
///   last, when any fill is green:
///   [writable, signer] payer   [] system_program   [] governance_program
uint64_t trading_match_orders(const GtxInput *in) {
  TradingMatchOrdersArgs args;
  GTX_REQUIRE(trading_match_orders_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  uint64_t n = args.fills_len / 8;
  GTX_REQUIRE(args.fills_len % 8 == 0 && n >= 1 && n <= TRADING_CONST_MAX_FILLS, TRADING_ERR_INVALID_FILLS);
  /* 1. account count: the market and two per fill; with green fills two more each and the three
   * green accounts at the end (checked exactly once the fills are walked) */
  GTX_REQUIRE(in->account_count >= TRADING_IX_MATCH_ORDERS_ACCOUNTS + n * TRADING_CONST_FILL_ACCOUNTS,
              TRADING_ERR_INVALID_FILLS);
  bool with_green = in->account_count != TRADING_IX_MATCH_ORDERS_ACCOUNTS + n * TRADING_CONST_FILL_ACCOUNTS;
  uint64_t end = in->account_count;
  const GtxAccountInfo *payer = NULL;
  if (with_green) {
    GTX_REQUIRE(end >= TRADING_IX_MATCH_ORDERS_ACCOUNTS + n * TRADING_CONST_FILL_ACCOUNTS + 5,
                TRADING_ERR_INVALID_FILLS);
    end -= 3;
    payer = &in->accounts[end];
    /* 2-4. the payer signs and pays; the programs are the System program and Governance */
    GTX_REQUIRE(payer->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
    GTX_REQUIRE(payer->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
    GTX_REQUIRE(gtx_pubkey_eq(in->accounts[end + 1].key, &GTX_SYSTEM_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
    uint64_t perr = trading_green_program_ok(&in->accounts[end + 2]);
    if (perr) return perr;
  }
  const GtxAccountInfo *market = &in->accounts[TRADING_IX_MATCH_ORDERS_MARKET];
  /* 2. no other signer: anyone may match. 3. nothing shared is written */
  /* 4-7. the market */
  uint64_t err = trading_check_market(in, market);
  if (err) return err;
  /* 8. the market is open */
  GTX_REQUIRE(!trading_market_get_paused(market->data), TRADING_ERR_MARKET_PAUSED);
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), TRADING_ERR_CLOCK_UNAVAILABLE);
  TradingMatchCtx c = {in, market, clock.unix_timestamp, false};
  uint64_t next = TRADING_IX_MATCH_ORDERS_ACCOUNTS, greens = 0;
  for (uint64_t i = 0; i < n; i++) {
    GTX_REQUIRE(next + TRADING_CONST_FILL_ACCOUNTS <= end, TRADING_ERR_INVALID_FILLS);
    const GtxAccountInfo *buy = &in->accounts[next], *sell = &in->accounts[next + 1];
    next += TRADING_CONST_FILL_ACCOUNTS;
    uint64_t amount = gtx_load_u64(args.fills + 8 * i);
    err = trading_fill(&c, buy, sell, amount);
    if (err) return err;
    if (!c.green) continue;
    GTX_REQUIRE(with_green && next + 2 <= end, TRADING_ERR_GREEN_ACCOUNTS_MISSING);
    TradingGreenFill g = {buy, sell, &in->accounts[next], &in->accounts[next + 1], payer};
    next += 2;
    GTX_REQUIRE(gtx_pubkey_eq(g.source->key, trading_order_certificate(sell->data)), TRADING_ERR_CERTIFICATE_MISMATCH);
    GTX_REQUIRE(g.source->is_writable && g.buyer_certificate->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
    err = trading_green_deliver(in, &g, amount);
    if (err) return err;
    greens++;
  }
  /* every account used: no stray accounts, the green ones only with a green fill */
  GTX_REQUIRE(next == end && (greens > 0) == with_green, TRADING_ERR_INVALID_FILLS);
  return GTX_SUCCESS;
}
