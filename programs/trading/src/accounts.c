#include "trading.h"

uint64_t trading_check_config(const TradingMarketConfig *c) {
  GTX_REQUIRE(c->fee_bps <= TRADING_CONST_MAX_FEE_BPS, TRADING_ERR_FEE_TOO_HIGH);
  GTX_REQUIRE(c->price_band_bps <= TRADING_CONST_MAX_PRICE_BAND_BPS, TRADING_ERR_INVALID_PRICE_BAND);
  GTX_REQUIRE(c->min_order_wh > 0, TRADING_ERR_INVALID_MIN_ORDER);
  GTX_REQUIRE(c->max_oracle_age_secs > 0, TRADING_ERR_INVALID_ORACLE_AGE);
  return GTX_SUCCESS;
}

/* Steps 4-7 for the Market: owner, exact size, discriminator, and the address, which is a
 * build-time constant (fixed seeds): no hash at all. */
uint64_t trading_check_market(const GtxInput *in, const GtxAccountInfo *market) {
  GTX_REQUIRE(gtx_is_owned_by(market, in->program_id), GTX_E_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  GTX_REQUIRE(market->data_len == TRADING_ACCOUNT_MARKET_LEN, GTX_E_ACCOUNT_DID_NOT_DESERIALIZE);
  GTX_REQUIRE(gtx_disc_is(market->data, TRADING_ACCOUNT_MARKET_DISC), GTX_E_ACCOUNT_DISCRIMINATOR_MISMATCH);
  GTX_REQUIRE(gtx_pubkey_eq(market->key, &TRADING_PDA_MARKET), GTX_E_CONSTRAINT_SEEDS);
  return GTX_SUCCESS;
}

/* Steps 4-7 for an Order: owner, exact size, discriminator, and the PDA re-derived from its
 * stored market, owner, id and bump (one sha256). */
uint64_t trading_check_order(const GtxInput *in, const GtxAccountInfo *order) {
  GTX_REQUIRE(gtx_is_owned_by(order, in->program_id), GTX_E_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  GTX_REQUIRE(order->data_len == TRADING_ACCOUNT_ORDER_LEN, GTX_E_ACCOUNT_DID_NOT_DESERIALIZE);
  uint8_t *d = order->data;
  GTX_REQUIRE(gtx_disc_is(d, TRADING_ACCOUNT_ORDER_DISC), GTX_E_ACCOUNT_DISCRIMINATOR_MISMATCH);
  GtxSlice seeds[5];
  uint64_t n = trading_order_seeds(seeds, trading_order_market(d), trading_order_owner(d),
                                   d + TRADING_ACCOUNT_ORDER_CLIENT_ORDER_ID_OFF, d + TRADING_ACCOUNT_ORDER_BUMP_OFF);
  GTX_REQUIRE(gtx_pda_verify(seeds, n, in->program_id, order->key), GTX_E_CONSTRAINT_SEEDS);
  return GTX_SUCCESS;
}

/* An initialised classic SPL Token mint with `decimals`. */
uint64_t trading_check_mint(const GtxAccountInfo *mint, uint8_t decimals) {
  GTX_REQUIRE(gtx_is_owned_by(mint, &GTX_TOKEN_PROGRAM_ID) && mint->data_len == GTX_MINT_LEN &&
                  mint->data[GTX_MINT_INITIALIZED_OFF] == 1 && gtx_mint_decimals(mint->data) == decimals,
              TRADING_ERR_INVALID_MINT);
  return GTX_SUCCESS;
}

/// The common account checks of set_market_params, transfer_params_authority (the params
/// authority) and pause / unpause (`emergency`: the emergency authority), in the fixed order.
///
/// Accounts:
///   0. [signer] params_authority or emergency_authority
///   1. [writable] market - PDA ["market"]
uint64_t trading_market_admin(const GtxInput *in, bool emergency, const GtxAccountInfo **market_out) {
  /* 1. account count (every admin instruction starts with these two accounts) */
  GTX_REQUIRE(in->account_count >= TRADING_IX_PAUSE_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *authority = &in->accounts[TRADING_IX_PAUSE_EMERGENCY_AUTHORITY];
  const GtxAccountInfo *market = &in->accounts[TRADING_IX_PAUSE_MARKET];
  /* 2. signer, 3. writable */
  GTX_REQUIRE(authority->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(market->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. owner, size, discriminator, PDA */
  uint64_t err = trading_check_market(in, market);
  if (err) return err;
  /* 8. the signer is the stored authority (has_one) */
  if (emergency) {
    GTX_REQUIRE(gtx_pubkey_eq(trading_market_emergency_authority(market->data), authority->key),
                TRADING_ERR_NOT_EMERGENCY_AUTHORITY);
  } else {
    GTX_REQUIRE(gtx_pubkey_eq(trading_market_params_authority(market->data), authority->key),
                TRADING_ERR_UNAUTHORIZED);
  }
  *market_out = market;
  return GTX_SUCCESS;
}

/* A token account of `owner` for `mint`. */
bool trading_token_account_of(const GtxAccountInfo *a, const GtxPubkey *owner, const GtxPubkey *mint) {
  return gtx_is_owned_by(a, &GTX_TOKEN_PROGRAM_ID) && a->data_len == GTX_TOKEN_ACCOUNT_LEN &&
         gtx_pubkey_eq(gtx_token_account_owner(a->data), owner) && gtx_pubkey_eq(gtx_token_account_mint(a->data), mint);
}

/* Moves `amount` out of a vault, the market PDA signing as its token authority. Out of line: the
 * CPI structs need their own stack frame. */
static __attribute__((noinline)) uint64_t trading_vault_pay(const GtxInput *in, const GtxAccountInfo *vault,
                                                            const GtxAccountInfo *to, const GtxAccountInfo *market,
                                                            uint64_t amount) {
  uint8_t bump = TRADING_PDA_MARKET_BUMP;
  GtxSlice seeds[2] = {GTX_SEED(TRADING_SEED_MARKET, sizeof(TRADING_SEED_MARKET)), GTX_SEED(&bump, 1)};
  GtxSigner signer = {seeds, 2};
  return gtx_token_transfer_from_infos(&GTX_TOKEN_PROGRAM_ID, vault, to, market, amount, in->accounts,
                                       in->account_count, &signer, 1);
}

/* Shared by cancel_order and close_order once the order is checked (4-7) and their own rule holds:
 * the market and its vaults, the owner's wallet; then pays out what the order holds — its
 * remaining lock and what fills credited it to token accounts of its owner, the fee it owes to the
 * market's fee destination — and closes it (lamports to the owner, data zeroed so that nothing can
 * read it again in this transaction). A destination is checked only when something goes to it:
 * an owner who never held THBC need not create an account to cancel an unfilled sell. */
uint64_t trading_pay_out_and_close(const GtxInput *in, const TradingPayoutAccounts *c, TradingPayout *paid) {
  GTX_REQUIRE(gtx_pubkey_eq(c->token_program->key, &GTX_TOKEN_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  uint64_t err = trading_check_market(in, c->market);
  if (err) return err;
  uint8_t *d = c->order->data, *m = c->market->data;
  GTX_REQUIRE(gtx_pubkey_eq(trading_order_market(d), c->market->key), GTX_E_CONSTRAINT_HAS_ONE);
  /* the rent goes to the order's owner, never to whoever sends the transaction */
  GTX_REQUIRE(gtx_pubkey_eq(c->owner_wallet->key, trading_order_owner(d)), TRADING_ERR_NOT_ORDER_OWNER);
  /* the vaults are fixed PDAs of this program: only initialize could create them */
  GTX_REQUIRE(gtx_pubkey_eq(c->grid_vault->key, &TRADING_PDA_GRID_VAULT) &&
                  gtx_pubkey_eq(c->thbc_vault->key, &TRADING_PDA_THBC_VAULT),
              TRADING_ERR_INVALID_VAULT);
  bool sell = trading_order_get_side(d) == TRADING_ENUM_SIDE_SELL;
  uint64_t locked = trading_order_get_locked(d), grid = trading_order_get_settled_grid(d);
  uint64_t thbc = trading_order_get_settled_thbc(d), fee = trading_order_get_fee_owed(d);
  /* what the vaults hold for this order cannot overflow: it is at most what was locked */
  GTX_REQUIRE(gtx_add(sell ? grid : thbc, locked, sell ? &grid : &thbc), TRADING_ERR_MATH_OVERFLOW);
  const GtxPubkey *owner = trading_order_owner(d);
  if (grid > 0)
    GTX_REQUIRE(trading_token_account_of(c->owner_grid, owner, trading_market_grid_mint(m)),
                TRADING_ERR_INVALID_OWNER_TOKEN_ACCOUNT);
  if (thbc > 0)
    GTX_REQUIRE(trading_token_account_of(c->owner_thbc, owner, trading_market_thbc_mint(m)),
                TRADING_ERR_INVALID_OWNER_TOKEN_ACCOUNT);
  if (fee > 0)
    GTX_REQUIRE(gtx_pubkey_eq(c->fee_destination->key, trading_market_fee_destination(m)),
                TRADING_ERR_INVALID_FEE_DESTINATION);
  /* a green sell: Governance releases what its certificate still locks for this order (it
   * compares the order's address, so this comes before the order is zeroed) */
  _Static_assert(TRADING_IX_CANCEL_ORDER_ACCOUNTS == TRADING_IX_CLOSE_ORDER_ACCOUNTS, "same fixed accounts");
  err = trading_green_release(in, c->order, TRADING_IX_CANCEL_ORDER_ACCOUNTS);
  if (err) return err;
  /* 9. the order's numbers go to zero with the order itself; then the tokens */
  uint64_t lamports = gtx_lamports(c->order), total;
  if (!gtx_add(gtx_lamports(c->owner_wallet), lamports, &total)) return GTX_FAIL(TRADING_ERR_MATH_OVERFLOW);
  gtx_store_u64((uint8_t *)c->owner_wallet->lamports, total);
  gtx_store_u64((uint8_t *)c->order->lamports, 0);
  sol_memset_(d, 0, TRADING_ACCOUNT_ORDER_LEN);
  if (grid > 0 && (err = trading_vault_pay(in, c->grid_vault, c->owner_grid, c->market, grid))) return err;
  if (thbc > 0 && (err = trading_vault_pay(in, c->thbc_vault, c->owner_thbc, c->market, thbc))) return err;
  if (fee > 0 && (err = trading_vault_pay(in, c->thbc_vault, c->fee_destination, c->market, fee))) return err;
  paid->grid = grid;
  paid->thbc = thbc;
  paid->fee = fee;
  return GTX_SUCCESS;
}
