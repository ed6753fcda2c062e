#include "trading.h"

/* A vault: a token account at a fixed PDA (which signs its creation) of `mint`, with the market PDA
 * as its token authority. Out of line: the CPI structs need their own stack frame. */
static __attribute__((noinline)) uint64_t trading_create_vault(const GtxAccountInfo *payer, const GtxAccountInfo *vault,
                                                               const GtxAccountInfo *mint, const uint8_t seed[10],
                                                               uint8_t bump) {
  GtxSlice seeds[2] = {GTX_SEED(seed, 10), GTX_SEED(&bump, 1)};
  GtxSigner signer = {seeds, 2};
  uint64_t err = gtx_init_pda_account(payer, vault, GTX_TOKEN_ACCOUNT_LEN, &GTX_TOKEN_PROGRAM_ID, &signer);
  if (err) return err;
  trading_refresh_data_len(vault);
  return gtx_token_initialize_account3(&GTX_TOKEN_PROGRAM_ID, vault, mint, &TRADING_PDA_MARKET);
}

/// initialize(params_authority, emergency_authority, config): create the Market PDA ["market"]
/// and its two vaults, token accounts at the PDAs ["grid_vault"] and ["thbc_vault"] whose token
/// authority is the market.
///
/// Only the deploy authority fixed at build time (the IDL constant DEPLOY_AUTHORITY) may call it,
/// so nobody can take a fresh deployment's market by calling first. Any payer.
///
/// Accounts:
///   0. [writable, signer] payer - pays the rent
///   1. [signer] deployer - must be DEPLOY_AUTHORITY
///   2. [writable] market - PDA ["market"]; must not exist yet
///   3. [] grid_mint - SPL Token mint, 3 decimals
///   4. [] thbc_mint - SPL Token mint, 6 decimals
///   5. [] fee_destination - an initialised THBC token account
///   6. [writable] grid_vault - PDA ["grid_vault"]; must not exist yet
///   7. [writable] thbc_vault - PDA ["thbc_vault"]; must not exist yet
///   8. [] token_program - SPL Token
///   9. [] system_program
uint64_t trading_initialize(const GtxInput *in) {
  TradingInitializeArgs args;
  GTX_REQUIRE(trading_initialize_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= TRADING_IX_INITIALIZE_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *payer = &in->accounts[TRADING_IX_INITIALIZE_PAYER];
  const GtxAccountInfo *deployer = &in->accounts[TRADING_IX_INITIALIZE_DEPLOYER];
  const GtxAccountInfo *market = &in->accounts[TRADING_IX_INITIALIZE_MARKET];
  const GtxAccountInfo *grid_mint = &in->accounts[TRADING_IX_INITIALIZE_GRID_MINT];
  const GtxAccountInfo *thbc_mint = &in->accounts[TRADING_IX_INITIALIZE_THBC_MINT];
  const GtxAccountInfo *fee_destination = &in->accounts[TRADING_IX_INITIALIZE_FEE_DESTINATION];
  const GtxAccountInfo *grid_vault = &in->accounts[TRADING_IX_INITIALIZE_GRID_VAULT];
  const GtxAccountInfo *thbc_vault = &in->accounts[TRADING_IX_INITIALIZE_THBC_VAULT];
  const GtxAccountInfo *token_program = &in->accounts[TRADING_IX_INITIALIZE_TOKEN_PROGRAM];
  const GtxAccountInfo *system = &in->accounts[TRADING_IX_INITIALIZE_SYSTEM_PROGRAM];
  /* 2. signers */
  GTX_REQUIRE(payer->is_signer && deployer->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  /* 3. writable */
  GTX_REQUIRE(payer->is_writable && market->is_writable && grid_vault->is_writable && thbc_vault->is_writable,
              GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. programs and owners: the new accounts still belong to the System program (else they exist) */
  GTX_REQUIRE(gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID) &&
                  gtx_pubkey_eq(token_program->key, &GTX_TOKEN_PROGRAM_ID),
              GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_is_owned_by(market, &GTX_SYSTEM_PROGRAM_ID) && gtx_is_owned_by(grid_vault, &GTX_SYSTEM_PROGRAM_ID) &&
                  gtx_is_owned_by(thbc_vault, &GTX_SYSTEM_PROGRAM_ID),
              GTX_E_ACCOUNT_NOT_SYSTEM_OWNED);
  /* 5. size: nothing allocated yet */
  GTX_REQUIRE(market->data_len == 0 && grid_vault->data_len == 0 && thbc_vault->data_len == 0,
              GTX_E_CONSTRAINT_SPACE);
  /* 7. PDAs: fixed seeds, so the addresses and bumps are build-time constants */
  GTX_REQUIRE(gtx_pubkey_eq(market->key, &TRADING_PDA_MARKET) && gtx_pubkey_eq(grid_vault->key, &TRADING_PDA_GRID_VAULT) &&
                  gtx_pubkey_eq(thbc_vault->key, &TRADING_PDA_THBC_VAULT),
              GTX_E_CONSTRAINT_SEEDS);
  /* 8. who may deploy; mints, fee destination and config make sense */
  GTX_REQUIRE(gtx_pubkey_eq(deployer->key, &TRADING_CONST_DEPLOY_AUTHORITY), TRADING_ERR_NOT_DEPLOY_AUTHORITY);
  uint64_t err = trading_check_mint(grid_mint, TRADING_CONST_GRID_DECIMALS);
  if (err) return err;
  err = trading_check_mint(thbc_mint, TRADING_CONST_THBC_DECIMALS);
  if (err) return err;
  GTX_REQUIRE(!gtx_pubkey_eq(grid_mint->key, thbc_mint->key), TRADING_ERR_INVALID_MINT);
  GTX_REQUIRE(gtx_is_owned_by(fee_destination, &GTX_TOKEN_PROGRAM_ID) &&
                  fee_destination->data_len == GTX_TOKEN_ACCOUNT_LEN &&
                  gtx_pubkey_eq(gtx_token_account_mint(fee_destination->data), thbc_mint->key) &&
                  gtx_token_account_state(fee_destination->data) == 1,
              TRADING_ERR_INVALID_FEE_DESTINATION);
  err = trading_check_config(&args.config);
  if (err) return err;
  /* create the account through the System program, the PDA signing with its seeds */
  uint8_t bump = TRADING_PDA_MARKET_BUMP;
  GtxSlice seeds[2] = {GTX_SEED(TRADING_SEED_MARKET, sizeof(TRADING_SEED_MARKET)), GTX_SEED(&bump, 1)};
  GtxSigner signer = {seeds, 2};
  err = gtx_init_pda_account(payer, market, TRADING_ACCOUNT_MARKET_LEN, in->program_id, &signer);
  if (err) return err;
  err = trading_create_vault(payer, grid_vault, grid_mint, TRADING_SEED_GRID_VAULT, TRADING_PDA_GRID_VAULT_BUMP);
  if (err) return err;
  err = trading_create_vault(payer, thbc_vault, thbc_mint, TRADING_SEED_THBC_VAULT, TRADING_PDA_THBC_VAULT_BUMP);
  if (err) return err;
  /* 9. write: the System program hands over zeroed data (pending authority: none, not paused) */
  uint8_t *d = market->data;
  gtx_disc_write(d, TRADING_ACCOUNT_MARKET_DISC);
  gtx_pubkey_copy(trading_market_params_authority(d), args.params_authority);
  gtx_pubkey_copy(trading_market_emergency_authority(d), args.emergency_authority);
  gtx_pubkey_copy(trading_market_grid_mint(d), grid_mint->key);
  gtx_pubkey_copy(trading_market_thbc_mint(d), thbc_mint->key);
  gtx_pubkey_copy(trading_market_fee_destination(d), fee_destination->key);
  trading_write_config(d, &args.config);
  trading_market_set_bump(d, bump);
  /* 10. event */
  const TradingMarketConfig *c = &args.config;
  trading_emit_market_initialized(market->key, args.params_authority, args.emergency_authority, grid_mint->key,
                                  thbc_mint->key, fee_destination->key, c->min_order_wh, c->max_oracle_age_secs,
                                  c->fee_bps, c->price_band_bps);
  return GTX_SUCCESS;
}
