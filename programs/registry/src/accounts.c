#include "registry.h"

uint64_t registry_check_registry(const GtxInput *in, const GtxAccountInfo *registry) {
  GTX_REQUIRE(gtx_is_owned_by(registry, in->program_id), GTX_E_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  GTX_REQUIRE(registry->data_len == REGISTRY_ACCOUNT_REGISTRY_LEN, GTX_E_ACCOUNT_DID_NOT_DESERIALIZE);
  GTX_REQUIRE(gtx_disc_is(registry->data, REGISTRY_ACCOUNT_REGISTRY_DISC), GTX_E_ACCOUNT_DISCRIMINATOR_MISMATCH);
  /* Fixed seeds: the address is a build-time constant. */
  GTX_REQUIRE(gtx_pubkey_eq(registry->key, &REGISTRY_PDA_REGISTRY), GTX_E_CONSTRAINT_SEEDS);
  return GTX_SUCCESS;
}

uint64_t registry_check_user(const GtxInput *in, const GtxAccountInfo *user) {
  GTX_REQUIRE(gtx_is_owned_by(user, in->program_id), GTX_E_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  GTX_REQUIRE(user->data_len == REGISTRY_ACCOUNT_USER_LEN, GTX_E_ACCOUNT_DID_NOT_DESERIALIZE);
  uint8_t *d = user->data;
  GTX_REQUIRE(gtx_disc_is(d, REGISTRY_ACCOUNT_USER_DISC), GTX_E_ACCOUNT_DISCRIMINATOR_MISMATCH);
  GtxSlice seeds[3];
  uint64_t n = registry_user_seeds(seeds, registry_user_wallet(d), d + REGISTRY_ACCOUNT_USER_BUMP_OFF);
  GTX_REQUIRE(gtx_pda_verify(seeds, n, in->program_id, user->key), GTX_E_CONSTRAINT_SEEDS);
  return GTX_SUCCESS;
}

uint64_t registry_check_meter(const GtxInput *in, const GtxAccountInfo *meter) {
  GTX_REQUIRE(gtx_is_owned_by(meter, in->program_id), GTX_E_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  GTX_REQUIRE(meter->data_len == REGISTRY_ACCOUNT_METER_LEN, GTX_E_ACCOUNT_DID_NOT_DESERIALIZE);
  uint8_t *d = meter->data;
  GTX_REQUIRE(gtx_disc_is(d, REGISTRY_ACCOUNT_METER_DISC), GTX_E_ACCOUNT_DISCRIMINATOR_MISMATCH);
  /* The stored length is clamped so a corrupt value can never read past the id field. */
  uint64_t id_len = registry_meter_get_meter_id_len(d);
  if (id_len > REGISTRY_CONST_MAX_METER_ID_LEN) id_len = REGISTRY_CONST_MAX_METER_ID_LEN;
  GtxSlice seeds[3];
  uint64_t n = registry_meter_seeds(seeds, registry_meter_meter_id(d), id_len, d + REGISTRY_ACCOUNT_METER_BUMP_OFF);
  GTX_REQUIRE(gtx_pda_verify(seeds, n, in->program_id, meter->key), GTX_E_CONSTRAINT_SEEDS);
  return GTX_SUCCESS;
}

uint64_t registry_check_admin(const GtxInput *in, const GtxAccountInfo *authority, const GtxAccountInfo *registry) {
  GTX_REQUIRE(authority->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  uint64_t err = registry_check_registry(in, registry);
  if (err) return err;
  GTX_REQUIRE(gtx_pubkey_eq(registry_registry_authority(registry->data), authority->key), REGISTRY_ERR_UNAUTHORIZED);
  return GTX_SUCCESS;
}

uint64_t registry_check_new_account(const GtxInput *in, const GtxAccountInfo *account, uint64_t already_code) {
  if (gtx_is_owned_by(account, in->program_id)) {
    /* GTX_FAIL logs the error's own line, so each code is named here. */
    if (already_code == REGISTRY_ERR_USER_ALREADY_REGISTERED) return GTX_FAIL(REGISTRY_ERR_USER_ALREADY_REGISTERED);
    if (already_code == REGISTRY_ERR_METER_KEY_ALREADY_REGISTERED)
      return GTX_FAIL(REGISTRY_ERR_METER_KEY_ALREADY_REGISTERED);
    return GTX_FAIL(REGISTRY_ERR_METER_ALREADY_REGISTERED);
  }
  GTX_REQUIRE(gtx_is_owned_by(account, &GTX_SYSTEM_PROGRAM_ID), GTX_E_ACCOUNT_NOT_SYSTEM_OWNED);
  GTX_REQUIRE(account->data_len == 0, GTX_E_CONSTRAINT_SPACE);
  return GTX_SUCCESS;
}

uint64_t registry_create_pda(const GtxInput *in, const GtxAccountInfo *payer, const GtxAccountInfo *account,
                             uint64_t space, const GtxSigner *signer) {
  return gtx_init_pda_account(payer, account, space, in->program_id, signer);
}
