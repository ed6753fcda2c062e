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

/* Moves everything the escrow holds to `destination`, closes the escrow (its rent to the owner's
 * wallet) and then the order (its lamports to the owner's wallet, its data zeroed so that nothing
 * can read it again in the same transaction). Both signatures come from the order PDA, the
 * escrow's token authority. Out of line: the CPI structs need their own stack frame. */
static __attribute__((noinline)) uint64_t trading_release_and_close(const GtxAccountInfo *order,
                                                                     const GtxAccountInfo *escrow,
                                                                     const GtxAccountInfo *owner_wallet,
                                                                     const GtxAccountInfo *destination,
                                                                     uint64_t amount) {
  uint8_t *d = order->data;
  GtxSlice seeds[5];
  uint64_t n = trading_order_seeds(seeds, trading_order_market(d), trading_order_owner(d),
                                   d + TRADING_ACCOUNT_ORDER_CLIENT_ORDER_ID_OFF, d + TRADING_ACCOUNT_ORDER_BUMP_OFF);
  GtxSigner signer = {seeds, n};
  uint64_t err;
  if (amount > 0) {
    err = gtx_token_transfer(&GTX_TOKEN_PROGRAM_ID, escrow, destination, order, amount, &signer, 1);
    if (err) return err;
  }
  err = gtx_token_close_account(&GTX_TOKEN_PROGRAM_ID, escrow, owner_wallet, order, &signer, 1);
  if (err) return err;
  /* Close the order: lamports to the owner, data zeroed (a zero discriminator never passes
   * trading_check_order), the runtime deletes the empty account at the end of the transaction. */
  uint64_t lamports = gtx_lamports(order);
  uint64_t total;
  if (!gtx_add(gtx_lamports(owner_wallet), lamports, &total)) return GTX_FAIL(TRADING_ERR_MATH_OVERFLOW);
  gtx_store_u64((uint8_t *)owner_wallet->lamports, total);
  gtx_store_u64((uint8_t *)order->lamports, 0);
  sol_memset_(d, 0, TRADING_ACCOUNT_ORDER_LEN);
  return GTX_SUCCESS;
}

/* Shared checks and effects of cancel_order and close_order after their own rules: the order is
 * checked (4-7), the escrow is its PDA and a token account, the owner's wallet is the order's
 * owner and the destination a token account of the order's owner for the escrow's mint. Sets
 * `returned` to what left the escrow. */
uint64_t trading_close_order_accounts(const GtxInput *in, const TradingCloseAccounts *c, uint64_t *returned) {
  const GtxAccountInfo *order = c->order, *escrow = c->escrow, *owner_wallet = c->owner_wallet;
  const GtxAccountInfo *destination = c->destination, *token_program = c->token_program;
  GTX_REQUIRE(gtx_pubkey_eq(token_program->key, &GTX_TOKEN_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  uint64_t err = trading_check_order(in, order);
  if (err) return err;
  uint8_t *d = order->data;
  /* the rent goes to the order's owner, never to whoever sends the transaction */
  GTX_REQUIRE(gtx_pubkey_eq(owner_wallet->key, trading_order_owner(d)), TRADING_ERR_NOT_ORDER_OWNER);
  /* the escrow: the one the order was created with (the order is its token authority) */
  GTX_REQUIRE(gtx_pubkey_eq(escrow->key, trading_order_escrow(d)) && gtx_is_owned_by(escrow, &GTX_TOKEN_PROGRAM_ID) &&
                  escrow->data_len == GTX_TOKEN_ACCOUNT_LEN,
              TRADING_ERR_INVALID_ESCROW);
  /* the destination: an initialised token account of the order's owner for the escrow's mint */
  GTX_REQUIRE(gtx_is_owned_by(destination, &GTX_TOKEN_PROGRAM_ID) && destination->data_len == GTX_TOKEN_ACCOUNT_LEN &&
                  gtx_pubkey_eq(gtx_token_account_owner(destination->data), trading_order_owner(d)) &&
                  gtx_pubkey_eq(gtx_token_account_mint(destination->data), gtx_token_account_mint(escrow->data)) &&
                  !gtx_pubkey_eq(destination->key, escrow->key),
              TRADING_ERR_INVALID_OWNER_TOKEN_ACCOUNT);
  uint64_t amount = gtx_token_account_amount(escrow->data);
  err = trading_release_and_close(order, escrow, owner_wallet, destination, amount);
  if (err) return err;
  *returned = amount;
  return GTX_SUCCESS;
}
