#include "thb_bridge.h"

#include <gtx/system.h>
#include <gtx/token.h>

/// initialize(admin, cluster_tag, attestors, attestor_count, threshold, limits): create the Bridge
/// PDA and the THBC mint (6 decimals, mint authority the Bridge PDA, no freeze authority).
///
/// Only the deploy authority fixed at build time (the IDL constant DEPLOY_AUTHORITY) may call it,
/// so nobody can front-run a fresh deployment. The admin and the attestors are different keys; the
/// cluster tag (e.g. the genesis hash) is named in every attestation, so a proof for another
/// cluster's bridge is worthless here. Any payer.
///
/// Accounts:
///   0. [writable, signer] payer - pays the rent of both accounts
///   1. [signer] deployer - must be DEPLOY_AUTHORITY
///   2. [writable] bridge - PDA ["bridge"]; must not exist yet
///   3. [writable] thbc_mint - PDA ["thbc_mint"]; must not exist yet
///   4. [] token_program - SPL Token
///   5. [] system_program
uint64_t thb_bridge_initialize(const GtxInput *in) {
  ThbBridgeInitializeArgs args;
  GTX_REQUIRE(thb_bridge_initialize_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= THB_BRIDGE_IX_INITIALIZE_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *payer = &in->accounts[THB_BRIDGE_IX_INITIALIZE_PAYER];
  const GtxAccountInfo *deployer = &in->accounts[THB_BRIDGE_IX_INITIALIZE_DEPLOYER];
  const GtxAccountInfo *bridge = &in->accounts[THB_BRIDGE_IX_INITIALIZE_BRIDGE];
  const GtxAccountInfo *mint = &in->accounts[THB_BRIDGE_IX_INITIALIZE_THBC_MINT];
  const GtxAccountInfo *token_program = &in->accounts[THB_BRIDGE_IX_INITIALIZE_TOKEN_PROGRAM];
  const GtxAccountInfo *system = &in->accounts[THB_BRIDGE_IX_INITIALIZE_SYSTEM_PROGRAM];
  /* 2. signers, 3. writable */
  GTX_REQUIRE(payer->is_signer && deployer->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(payer->is_writable && bridge->is_writable && mint->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. programs and owners: both new accounts still belong to the System program */
  GTX_REQUIRE(gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_pubkey_eq(token_program->key, &GTX_TOKEN_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_is_owned_by(bridge, &GTX_SYSTEM_PROGRAM_ID), GTX_E_ACCOUNT_NOT_SYSTEM_OWNED);
  GTX_REQUIRE(gtx_is_owned_by(mint, &GTX_SYSTEM_PROGRAM_ID), GTX_E_ACCOUNT_NOT_SYSTEM_OWNED);
  /* 5. size: nothing allocated yet; 6. no discriminator yet */
  GTX_REQUIRE(bridge->data_len == 0 && mint->data_len == 0, GTX_E_CONSTRAINT_SPACE);
  /* 7. PDAs: fixed seeds, so fixed addresses */
  GTX_REQUIRE(gtx_pubkey_eq(bridge->key, &THB_BRIDGE_PDA_BRIDGE), GTX_E_CONSTRAINT_SEEDS);
  GTX_REQUIRE(gtx_pubkey_eq(mint->key, &THB_BRIDGE_PDA_THBC_MINT), GTX_E_CONSTRAINT_SEEDS);
  /* 8. who may deploy; the settings make sense */
  GTX_REQUIRE(gtx_pubkey_eq(deployer->key, &THB_BRIDGE_CONST_DEPLOY_AUTHORITY), THB_BRIDGE_ERR_NOT_DEPLOY_AUTHORITY);
  GTX_REQUIRE(!gtx_pubkey_is_zero(args.admin), THB_BRIDGE_ERR_UNAUTHORIZED);
  GTX_REQUIRE(!gtx_pubkey_is_zero((const GtxPubkey *)args.cluster_tag), THB_BRIDGE_ERR_INVALID_CLUSTER_TAG);
  uint64_t err = thb_bridge_validate_attestors(args.attestors, args.attestor_count, args.threshold, args.admin);
  if (err) return err;
  GTX_REQUIRE(thb_bridge_limits_valid(&args.limits), THB_BRIDGE_ERR_INVALID_LIMITS);
  /* create both accounts (each PDA signs its own creation), then initialise the mint */
  uint8_t bridge_bump = THB_BRIDGE_PDA_BRIDGE_BUMP, mint_bump = THB_BRIDGE_PDA_THBC_MINT_BUMP;
  GtxSlice bridge_seeds[2] = {GTX_SEED(THB_BRIDGE_SEED_BRIDGE, sizeof(THB_BRIDGE_SEED_BRIDGE)),
                              GTX_SEED(&bridge_bump, 1)};
  GtxSigner bridge_signer = {bridge_seeds, 2};
  err = gtx_init_pda_account(payer, bridge, THB_BRIDGE_ACCOUNT_BRIDGE_LEN, in->program_id, &bridge_signer);
  if (err) return err;
  GtxSlice mint_seeds[2] = {GTX_SEED(THB_BRIDGE_SEED_THBC_MINT, sizeof(THB_BRIDGE_SEED_THBC_MINT)),
                            GTX_SEED(&mint_bump, 1)};
  GtxSigner mint_signer = {mint_seeds, 2};
  err = gtx_init_pda_account(payer, mint, GTX_MINT_LEN, &GTX_TOKEN_PROGRAM_ID, &mint_signer);
  if (err) return err;
  /* The System CPIs updated the length in the runtime's buffer, not in `mint`: pass it on with
   * its current length. initialize_mint2 sets no freeze authority. */
  GtxAccountInfo created = *mint;
  created.data_len = thb_bridge_serialized_len(mint);
  err = gtx_token_initialize_mint2(&GTX_TOKEN_PROGRAM_ID, &created, THB_BRIDGE_CONST_THBC_DECIMALS,
                                   &THB_BRIDGE_PDA_BRIDGE);
  if (err) return err;
  /* 9. write: the System program hands over zeroed data, so only non-zero fields are set */
  uint8_t *d = bridge->data;
  gtx_disc_write(d, THB_BRIDGE_ACCOUNT_BRIDGE_DISC);
  gtx_pubkey_copy(thb_bridge_bridge_admin(d), args.admin);
  gtx_pubkey_copy(thb_bridge_bridge_thbc_mint(d), &THB_BRIDGE_PDA_THBC_MINT);
  gtx_memcpy(thb_bridge_bridge_cluster_tag(d), args.cluster_tag, 32);
  thb_bridge_write_attestors(d, args.attestors, args.attestor_count, args.threshold);
  thb_bridge_bridge_set_limits_max_per_deposit(d, args.limits.max_per_deposit);
  thb_bridge_bridge_set_limits_max_per_day(d, args.limits.max_per_day);
  thb_bridge_bridge_set_limits_withdrawal_timeout_secs(d, args.limits.withdrawal_timeout_secs);
  thb_bridge_bridge_set_bump(d, THB_BRIDGE_PDA_BRIDGE_BUMP);
  thb_bridge_bridge_set_mint_bump(d, THB_BRIDGE_PDA_THBC_MINT_BUMP);
  /* 10. event */
  thb_bridge_emit_bridge_initialized(args.admin, &THB_BRIDGE_PDA_THBC_MINT, args.cluster_tag, args.attestor_count,
                                     args.threshold, args.limits.max_per_deposit, args.limits.max_per_day,
                                     args.limits.withdrawal_timeout_secs);
  return GTX_SUCCESS;
}
