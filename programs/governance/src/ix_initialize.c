#include "governance.h"

/// initialize(authority, config): create the Governance PDA ["governance"] with `authority` as the
/// ERC issuer authority (validates and revokes certificates, changes the config), no pending
/// authority, the voting config and proposal_count 0.
///
/// Only the deploy authority fixed at build time (the IDL constant DEPLOY_AUTHORITY) may call it,
/// so nobody can take a fresh deployment by calling first. Any payer.
///
/// Accounts:
///   0. [writable, signer] payer - pays the rent
///   1. [signer] deployer - must be DEPLOY_AUTHORITY
///   2. [writable] governance - PDA ["governance"]; must not exist yet
///   3. [] system_program
uint64_t governance_initialize(const GtxInput *in) {
  GovernanceInitializeArgs args;
  GTX_REQUIRE(governance_initialize_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= GOVERNANCE_IX_INITIALIZE_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *payer = &in->accounts[GOVERNANCE_IX_INITIALIZE_PAYER];
  const GtxAccountInfo *deployer = &in->accounts[GOVERNANCE_IX_INITIALIZE_DEPLOYER];
  const GtxAccountInfo *governance = &in->accounts[GOVERNANCE_IX_INITIALIZE_GOVERNANCE];
  const GtxAccountInfo *system = &in->accounts[GOVERNANCE_IX_INITIALIZE_SYSTEM_PROGRAM];
  /* 2. signers */
  GTX_REQUIRE(payer->is_signer && deployer->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  /* 3. writable */
  GTX_REQUIRE(payer->is_writable && governance->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. the System program; the new account still belongs to it (else it exists), 5. nothing allocated */
  GTX_REQUIRE(gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  uint64_t err = governance_check_new_account(governance);
  if (err) return err;
  /* 7. PDA: fixed seeds, so the address and bump are build-time constants */
  GTX_REQUIRE(gtx_pubkey_eq(governance->key, &GOVERNANCE_PDA_GOVERNANCE), GTX_E_CONSTRAINT_SEEDS);
  /* 8. who may deploy; the config makes sense */
  GTX_REQUIRE(gtx_pubkey_eq(deployer->key, &GOVERNANCE_CONST_DEPLOY_AUTHORITY), GOVERNANCE_ERR_NOT_DEPLOY_AUTHORITY);
  err = governance_check_config(&args.config);
  if (err) return err;
  GOVERNANCE_PDA_SIGNER(signer, bump);
  err = gtx_init_pda_account(payer, governance, GOVERNANCE_ACCOUNT_GOVERNANCE_LEN, in->program_id, &signer);
  if (err) return err;
  governance_refresh_data_len(governance);
  /* 9. write: the System program hands over zeroed data (no pending authority, no proposal) */
  uint8_t *d = governance->data;
  gtx_disc_write(d, GOVERNANCE_ACCOUNT_GOVERNANCE_DISC);
  gtx_pubkey_copy(governance_governance_authority(d), args.authority);
  governance_write_config(d, &args.config);
  governance_governance_set_bump(d, bump);
  /* 10. event */
  const GovernanceGovernanceConfig *c = &args.config;
  governance_emit_governance_initialized(governance->key, args.authority, c->min_voting_secs, c->max_voting_secs,
                                         c->quorum_bps);
  return GTX_SUCCESS;
}
