#include "energy_token.h"

/// initialize: create TokenConfig and the GRID mint (3 decimals, mint authority the
/// ["mint_authority"] PDA, no freeze authority).
///
/// Only the deploy authority fixed at build time (the IDL constant DEPLOY_AUTHORITY) may call it,
/// so nobody can front-run a fresh deployment; it becomes TokenConfig's authority. Any payer.
///
/// Accounts:
///   0. [writable, signer] payer - pays the rent of both accounts
///   1. [signer] deployer - must be DEPLOY_AUTHORITY
///   2. [writable] config - PDA ["token_config"]; must not exist yet
///   3. [writable] grid_mint - PDA ["grid_mint"]; must not exist yet
///   4. [] token_program - SPL Token
///   5. [] system_program
uint64_t energy_token_initialize(const GtxInput *in) {
  GTX_REQUIRE(energy_token_initialize_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= ENERGY_TOKEN_IX_INITIALIZE_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *payer = &in->accounts[ENERGY_TOKEN_IX_INITIALIZE_PAYER];
  const GtxAccountInfo *deployer = &in->accounts[ENERGY_TOKEN_IX_INITIALIZE_DEPLOYER];
  const GtxAccountInfo *config = &in->accounts[ENERGY_TOKEN_IX_INITIALIZE_CONFIG];
  const GtxAccountInfo *mint = &in->accounts[ENERGY_TOKEN_IX_INITIALIZE_GRID_MINT];
  const GtxAccountInfo *token_program = &in->accounts[ENERGY_TOKEN_IX_INITIALIZE_TOKEN_PROGRAM];
  const GtxAccountInfo *system = &in->accounts[ENERGY_TOKEN_IX_INITIALIZE_SYSTEM_PROGRAM];
  /* 2. signer, 3. writable */
  GTX_REQUIRE(payer->is_signer && deployer->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(payer->is_writable && config->is_writable && mint->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. programs and owners: both new accounts still belong to the System program */
  GTX_REQUIRE(gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_pubkey_eq(token_program->key, &GTX_TOKEN_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_is_owned_by(config, &GTX_SYSTEM_PROGRAM_ID), GTX_E_ACCOUNT_NOT_SYSTEM_OWNED);
  GTX_REQUIRE(gtx_is_owned_by(mint, &GTX_SYSTEM_PROGRAM_ID), GTX_E_ACCOUNT_NOT_SYSTEM_OWNED);
  /* 5. size: nothing allocated yet; 6. no discriminator yet */
  GTX_REQUIRE(config->data_len == 0 && mint->data_len == 0, GTX_E_CONSTRAINT_SPACE);
  /* 7. PDAs: fixed seeds, so fixed addresses */
  GTX_REQUIRE(gtx_pubkey_eq(config->key, &ENERGY_TOKEN_PDA_TOKEN_CONFIG), GTX_E_CONSTRAINT_SEEDS);
  GTX_REQUIRE(gtx_pubkey_eq(mint->key, &ENERGY_TOKEN_PDA_GRID_MINT), GTX_E_CONSTRAINT_SEEDS);
  GTX_REQUIRE(gtx_pubkey_eq(deployer->key, &ENERGY_TOKEN_CONST_DEPLOY_AUTHORITY), ENERGY_TOKEN_ERR_NOT_DEPLOY_AUTHORITY);
  /* 8. who may deploy; then create both accounts (each PDA signs its own creation), then initialise the mint */
  uint8_t config_bump = ENERGY_TOKEN_PDA_TOKEN_CONFIG_BUMP, mint_bump = ENERGY_TOKEN_PDA_GRID_MINT_BUMP;
  GtxSlice config_seeds[2] = {GTX_SEED(ENERGY_TOKEN_SEED_TOKEN_CONFIG, sizeof(ENERGY_TOKEN_SEED_TOKEN_CONFIG)),
                              GTX_SEED(&config_bump, 1)};
  GtxSigner config_signer = {config_seeds, 2};
  uint64_t err = gtx_init_pda_account(payer, config, ENERGY_TOKEN_ACCOUNT_TOKEN_CONFIG_LEN, in->program_id,
                                      &config_signer);
  if (err) return err;
  GtxSlice mint_seeds[2] = {GTX_SEED(ENERGY_TOKEN_SEED_GRID_MINT, sizeof(ENERGY_TOKEN_SEED_GRID_MINT)),
                            GTX_SEED(&mint_bump, 1)};
  GtxSigner mint_signer = {mint_seeds, 2};
  err = gtx_init_pda_account(payer, mint, GTX_MINT_LEN, &GTX_TOKEN_PROGRAM_ID, &mint_signer);
  if (err) return err;
  /* The System CPIs updated the length in the runtime's input buffer (and in the copies they were
   * given), not in `mint`: pass the mint on with its current length, or the runtime would read
   * the stale 0 as this program truncating an account it does not own. */
  GtxAccountInfo created = *mint;
  created.data_len = energy_token_serialized_len(mint);
  err = gtx_token_initialize_mint2(&GTX_TOKEN_PROGRAM_ID, &created, ENERGY_TOKEN_CONST_GRID_DECIMALS,
                                   &ENERGY_TOKEN_PDA_MINT_AUTHORITY);
  if (err) return err;
  /* 9. write */
  uint8_t *d = config->data;
  gtx_disc_write(d, ENERGY_TOKEN_ACCOUNT_TOKEN_CONFIG_DISC);
  gtx_pubkey_copy(energy_token_token_config_authority(d), deployer->key);
  gtx_pubkey_copy(energy_token_token_config_grid_mint(d), &ENERGY_TOKEN_PDA_GRID_MINT);
  gtx_pubkey_copy(energy_token_token_config_mint_authority(d), &ENERGY_TOKEN_PDA_MINT_AUTHORITY);
  gtx_pubkey_copy(energy_token_token_config_registry_program(d), &REGISTRY_PROGRAM_ID);
  gtx_pubkey_copy(energy_token_token_config_registry_authority(d), &REGISTRY_PDA_REGISTRY);
  energy_token_token_config_set_decimals(d, ENERGY_TOKEN_CONST_GRID_DECIMALS);
  energy_token_token_config_set_bump(d, ENERGY_TOKEN_PDA_TOKEN_CONFIG_BUMP);
  energy_token_token_config_set_grid_mint_bump(d, ENERGY_TOKEN_PDA_GRID_MINT_BUMP);
  energy_token_token_config_set_mint_authority_bump(d, ENERGY_TOKEN_PDA_MINT_AUTHORITY_BUMP);
  /* 10. event */
  energy_token_emit_token_initialized(config->key, &ENERGY_TOKEN_PDA_GRID_MINT, &ENERGY_TOKEN_PDA_MINT_AUTHORITY,
                                      &REGISTRY_PROGRAM_ID, &REGISTRY_PDA_REGISTRY,
                                      ENERGY_TOKEN_CONST_GRID_DECIMALS);
  return GTX_SUCCESS;
}
