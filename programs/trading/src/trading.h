/*
 * Trading program: shared declarations and small inline helpers.
 *
 * State: the Market PDA ["market"], its two vaults (token accounts at the fixed PDAs ["grid_vault"]
 * and ["thbc_vault"], token authority: the market) and one Order PDA ["order", market, owner,
 * client_order_id LE] per order. An order's collateral sits in the vault of its mint; a fill only
 * moves numbers between the two orders (lock -> settled, fee owed), and cancel / close pay out
 * what an order holds. The accounts are laid out exactly as their borsh encoding (<gen/trading.h>
 * gives the offsets) and read and written in place: no C struct mirrors an account, so no padding
 * can drift from the IDL.
 */
#ifndef TRADING_H
#define TRADING_H

#include <gen/governance.h>
#include <gen/oracle.h>
#include <gen/trading.h>
#include <gtx/pda_fast.h>

static const uint8_t TRADING_SEED_MARKET[] = TRADING_CONST_MARKET_SEED_BYTES;
static const uint8_t TRADING_SEED_ORDER[] = TRADING_CONST_ORDER_SEED_BYTES;
static const uint8_t TRADING_SEED_GRID_VAULT[TRADING_CONST_GRID_VAULT_SEED_LEN] = TRADING_CONST_GRID_VAULT_SEED_BYTES;
static const uint8_t TRADING_SEED_THBC_VAULT[TRADING_CONST_THBC_VAULT_SEED_LEN] = TRADING_CONST_THBC_VAULT_SEED_BYTES;

/* Seeds ["order", market, owner, client_order_id LE] plus, when given, the bump. `id_le` points at
 * the 8 little-endian bytes of the id (the order account's own field or the instruction's args). */
GTX_INLINE uint64_t trading_order_seeds(GtxSlice seeds[5], const GtxPubkey *market, const GtxPubkey *owner,
                                        const uint8_t *id_le, const uint8_t *bump) {
  seeds[0] = GTX_SEED(TRADING_SEED_ORDER, sizeof(TRADING_SEED_ORDER));
  seeds[1] = GTX_SEED(market->x, 32);
  seeds[2] = GTX_SEED(owner->x, 32);
  seeds[3] = GTX_SEED(id_le, 8);
  if (!bump) return 4;
  seeds[4] = GTX_SEED(bump, 1);
  return 5;
}

/* SPL Token account fields beyond gtx/token.h's: the COption tags (u32) of the delegate, the
 * native-SOL reserve and the close authority. */
#define TRADING_TOKEN_DELEGATE_TAG_OFF 72
#define TRADING_TOKEN_IS_NATIVE_TAG_OFF 109
#define TRADING_TOKEN_CLOSE_AUTHORITY_TAG_OFF 129

/* Config limits: a capped fee, a band that leaves a positive lower bound, a positive minimum
 * order and oracle age. Returns 0 or the named error (already logged). */
uint64_t trading_check_config(const TradingMarketConfig *c);
GTX_INLINE void trading_write_config(uint8_t *d, const TradingMarketConfig *c) {
  trading_market_set_config_min_order_wh(d, c->min_order_wh);
  trading_market_set_config_max_oracle_age_secs(d, c->max_oracle_age_secs);
  trading_market_set_config_fee_bps(d, c->fee_bps);
  trading_market_set_config_price_band_bps(d, c->price_band_bps);
}

GTX_INLINE void trading_pubkey_clear(GtxPubkey *k) {
  gtx_store_u64(k->x, 0);
  gtx_store_u64(k->x + 8, 0);
  gtx_store_u64(k->x + 16, 0);
  gtx_store_u64(k->x + 24, 0);
}

/* After a CPI that allocated `a` (System create_account / allocate), the runtime has written the
 * new length into the serialized input (the u64 just before the data) but not into our copy of
 * the info: refresh it before the account is read or handed to another CPI. */
GTX_INLINE void trading_refresh_data_len(const GtxAccountInfo *a) {
  ((GtxAccountInfo *)a)->data_len = gtx_load_u64(a->data - 8);
}

/* accounts.c */
uint64_t trading_check_market(const GtxInput *in, const GtxAccountInfo *market);
uint64_t trading_check_order(const GtxInput *in, const GtxAccountInfo *order);
uint64_t trading_check_mint(const GtxAccountInfo *mint, uint8_t decimals);
bool trading_token_account_of(const GtxAccountInfo *a, const GtxPubkey *owner, const GtxPubkey *mint);
uint64_t trading_market_admin(const GtxInput *in, bool emergency, const GtxAccountInfo **market_out);
/* The accounts cancel_order and close_order share, from `market` on (BPF calls take at most five
 * arguments). */
typedef struct {
  const GtxAccountInfo *order;
  const GtxAccountInfo *owner_wallet;
  const GtxAccountInfo *market;
  const GtxAccountInfo *grid_vault;
  const GtxAccountInfo *thbc_vault;
  const GtxAccountInfo *owner_grid;
  const GtxAccountInfo *owner_thbc;
  const GtxAccountInfo *fee_destination;
  const GtxAccountInfo *token_program;
} TradingPayoutAccounts;
/* What cancel / close paid out of the vaults. */
typedef struct {
  uint64_t grid;
  uint64_t thbc;
  uint64_t fee;
} TradingPayout;
/* The accounts of cancel_order and close_order from index `first` (market .. token_program). */
GTX_INLINE TradingPayoutAccounts trading_payout_accounts(const GtxInput *in, const GtxAccountInfo *order,
                                                         const GtxAccountInfo *owner_wallet, uint64_t first) {
  const GtxAccountInfo *a = &in->accounts[first];
  TradingPayoutAccounts p = {order, owner_wallet, &a[0], &a[1], &a[2], &a[3], &a[4], &a[5], &a[6]};
  return p;
}
uint64_t trading_pay_out_and_close(const GtxInput *in, const TradingPayoutAccounts *c, TradingPayout *paid);

/* green.c: green orders through Governance (signed by the market PDA). */
typedef struct {
  const GtxAccountInfo *buy;
  const GtxAccountInfo *sell;
  const GtxAccountInfo *source;            /* the sell's certificate */
  const GtxAccountInfo *buyer_certificate; /* Governance PDA ["certificate_fill", source, buy] */
  const GtxAccountInfo *payer;             /* pays a new buyer certificate's rent */
} TradingGreenFill;
uint64_t trading_green_program_ok(const GtxAccountInfo *governance_program);
uint64_t trading_green_lock(const GtxInput *in, const GtxAccountInfo *order, const GtxAccountInfo *certificate,
                            const GtxAccountInfo *owner, uint64_t volume_wh);
uint64_t trading_green_unlock(const GtxInput *in, const GtxAccountInfo *order, const GtxAccountInfo *certificate);
uint64_t trading_green_deliver(const GtxInput *in, const TradingGreenFill *g, uint64_t volume_wh);
/* cancel / close: releases a green sell's lock (its certificate and the Governance program follow
 * the `fixed_accounts`); nothing for a plain order. */
uint64_t trading_green_release(const GtxInput *in, const GtxAccountInfo *order, uint64_t fixed_accounts);

#endif
