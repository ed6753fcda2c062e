#include "registry.h"

/// initialize(authority: Pubkey): create the Registry PDA with `authority` as the registry
/// authority and zero counters.
///
/// Only the deploy authority fixed at build time (the IDL constant DEPLOY_AUTHORITY) may call it:
/// on a fresh deployment nobody else can become the authority by calling first. The payer is
/// free (the operator pays; the deploy key only signs).
///
/// Accounts:
///   0. [writable, signer] payer - pays the rent
///   1. [signer] deployer - must be DEPLOY_AUTHORITY
///   2. [writable] registry - PDA ["registry"]; must not exist yet
///   3. [] system_program
uint64_t registry_initialize(const GtxInput *in) {
  RegistryInitializeArgs args;
  GTX_REQUIRE(registry_initialize_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= REGISTRY_IX_INITIALIZE_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *payer = &in->accounts[REGISTRY_IX_INITIALIZE_PAYER];
  const GtxAccountInfo *deployer = &in->accounts[REGISTRY_IX_INITIALIZE_DEPLOYER];
  const GtxAccountInfo *registry = &in->accounts[REGISTRY_IX_INITIALIZE_REGISTRY];
  const GtxAccountInfo *system = &in->accounts[REGISTRY_IX_INITIALIZE_SYSTEM_PROGRAM];
  /* 2. signers, 3. writable */
  GTX_REQUIRE(payer->is_signer && deployer->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(payer->is_writable && registry->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. program and owner: the registry still belongs to the System program; 5. empty */
  GTX_REQUIRE(gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_is_owned_by(registry, &GTX_SYSTEM_PROGRAM_ID), GTX_E_ACCOUNT_NOT_SYSTEM_OWNED);
  GTX_REQUIRE(registry->data_len == 0, GTX_E_CONSTRAINT_SPACE);
  /* 7. PDA: fixed seeds, fixed address */
  GTX_REQUIRE(gtx_pubkey_eq(registry->key, &REGISTRY_PDA_REGISTRY), GTX_E_CONSTRAINT_SEEDS);
  /* 8. who may deploy */
  GTX_REQUIRE(gtx_pubkey_eq(deployer->key, &REGISTRY_CONST_DEPLOY_AUTHORITY), REGISTRY_ERR_NOT_DEPLOY_AUTHORITY);
  /* 9. create and write */
  uint8_t bump = REGISTRY_PDA_REGISTRY_BUMP;
  GtxSlice seeds[2] = {GTX_SEED(REGISTRY_SEED_REGISTRY, sizeof(REGISTRY_SEED_REGISTRY)), GTX_SEED(&bump, 1)};
  GtxSigner signer = {seeds, 2};
  uint64_t err = registry_create_pda(in, payer, registry, REGISTRY_ACCOUNT_REGISTRY_LEN, &signer);
  if (err) return err;
  uint8_t *d = registry->data;
  gtx_disc_write(d, REGISTRY_ACCOUNT_REGISTRY_DISC);
  gtx_pubkey_copy(registry_registry_authority(d), args.authority);
  registry_registry_set_bump(d, REGISTRY_PDA_REGISTRY_BUMP); /* counters: zero from the allocation */
  /* 10. event */
  registry_emit_registry_initialized(registry->key, args.authority);
  return GTX_SUCCESS;
}
