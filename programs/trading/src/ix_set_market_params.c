#include "trading.h"

/// set_market_params(config, emergency_authority): the params authority replaces the config, the
/// fee destination and the emergency authority. Open orders keep what they locked.
///
/// Accounts:
///   0. [signer] params_authority - must be the market's params authority
///   1. [writable] market - PDA ["market"]
///   2. [] fee_destination - an initialised token account for the market's THBC mint
uint64_t trading_set_market_params(const GtxInput *in) {
  TradingSetMarketParamsArgs args;
  GTX_REQUIRE(trading_set_market_params_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count (the admin helper checks the first two) */
  GTX_REQUIRE(in->account_count >= TRADING_IX_SET_MARKET_PARAMS_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *market;
  uint64_t err = trading_market_admin(in, false, &market);
  if (err) return err;
  const GtxAccountInfo *authority = &in->accounts[TRADING_IX_SET_MARKET_PARAMS_PARAMS_AUTHORITY];
  const GtxAccountInfo *fee_destination = &in->accounts[TRADING_IX_SET_MARKET_PARAMS_FEE_DESTINATION];
  uint8_t *d = market->data;
  /* 8. the fee destination and the config */
  GTX_REQUIRE(gtx_is_owned_by(fee_destination, &GTX_TOKEN_PROGRAM_ID) &&
                  fee_destination->data_len == GTX_TOKEN_ACCOUNT_LEN &&
                  gtx_pubkey_eq(gtx_token_account_mint(fee_destination->data), trading_market_thbc_mint(d)) &&
                  gtx_token_account_state(fee_destination->data) == 1,
              TRADING_ERR_INVALID_FEE_DESTINATION);
  const TradingMarketConfig *c = &args.config;
  err = trading_check_config(c);
  if (err) return err;
  /* 9. write, keeping the previous config for the event */
  uint64_t prev_min = trading_market_get_config_min_order_wh(d);
  uint32_t prev_age = trading_market_get_config_max_oracle_age_secs(d);
  uint16_t prev_fee = trading_market_get_config_fee_bps(d);
  uint16_t prev_band = trading_market_get_config_price_band_bps(d);
  trading_write_config(d, c);
  gtx_pubkey_copy(trading_market_fee_destination(d), fee_destination->key);
  gtx_pubkey_copy(trading_market_emergency_authority(d), args.emergency_authority);
  /* 10. event */
  trading_emit_market_params_changed(authority->key, fee_destination->key, args.emergency_authority, prev_min,
                                     prev_age, prev_fee, prev_band, c->min_order_wh, c->max_oracle_age_secs,
                                     c->fee_bps, c->price_band_bps);
  return GTX_SUCCESS;
}
