#include "registry.h"

/// register_user(user_type: UserType, name: String): register the signing wallet.
///
/// The wallet signs (nobody registers someone else); the payer may be the wallet or a sponsor.
/// The user starts Active. name: 1..=32 bytes of UTF-8.
///
/// Accounts:
///   0. [writable, signer] payer - pays the User account's rent
///   1. [signer] wallet - the wallet being registered
///   2. [writable] registry - PDA ["registry"] (user_count)
///   3. [writable] user - PDA ["user", wallet]; must not exist yet
///   4. [] system_program
uint64_t registry_register_user(const GtxInput *in) {
  RegistryRegisterUserArgs args;
  GTX_REQUIRE(registry_register_user_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= REGISTRY_IX_REGISTER_USER_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *payer = &in->accounts[REGISTRY_IX_REGISTER_USER_PAYER];
  const GtxAccountInfo *wallet = &in->accounts[REGISTRY_IX_REGISTER_USER_WALLET];
  const GtxAccountInfo *registry = &in->accounts[REGISTRY_IX_REGISTER_USER_REGISTRY];
  const GtxAccountInfo *user = &in->accounts[REGISTRY_IX_REGISTER_USER_USER];
  const GtxAccountInfo *system = &in->accounts[REGISTRY_IX_REGISTER_USER_SYSTEM_PROGRAM];
  /* 2. signers, 3. writable */
  GTX_REQUIRE(payer->is_signer && wallet->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(payer->is_writable && registry->is_writable && user->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. programs; the registry; the new user account (not registered yet, empty) */
  GTX_REQUIRE(gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  uint64_t err = registry_check_registry(in, registry);
  if (err) return err;
  err = registry_check_new_account(in, user, REGISTRY_ERR_USER_ALREADY_REGISTERED);
  if (err) return err;
  GtxSlice seeds[3];
  uint64_t n = registry_user_seeds(seeds, wallet->key, NULL);
  GtxPubkey expected;
  uint8_t bump;
  GTX_REQUIRE(gtx_pda_find_fast(seeds, n, in->program_id, &expected, &bump) && gtx_pubkey_eq(&expected, user->key),
              GTX_E_CONSTRAINT_SEEDS);
  /* 8. arguments, checked math */
  GTX_REQUIRE(args.name_len >= 1 && args.name_len <= REGISTRY_CONST_MAX_NAME_LEN &&
                  !gtx_text_has_control(args.name, args.name_len),
              REGISTRY_ERR_INVALID_NAME);
  uint8_t *r = registry->data;
  uint64_t user_count;
  GTX_REQUIRE(gtx_add(registry_registry_get_user_count(r), 1, &user_count), REGISTRY_ERR_OVERFLOW);
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), GTX_E_ACCOUNT_SYSVAR_MISMATCH);
  /* 9. create and write */
  n = registry_user_seeds(seeds, wallet->key, &bump);
  GtxSigner signer = {seeds, n};
  err = registry_create_pda(in, payer, user, REGISTRY_ACCOUNT_USER_LEN, &signer);
  if (err) return err;
  uint8_t *d = user->data;
  gtx_disc_write(d, REGISTRY_ACCOUNT_USER_DISC);
  gtx_pubkey_copy(registry_user_wallet(d), wallet->key);
  sol_memcpy_(registry_user_name(d), args.name, args.name_len); /* the rest stays zero */
  registry_user_set_registered_at(d, clock.unix_timestamp);
  registry_user_set_user_type(d, args.user_type);
  registry_user_set_status(d, REGISTRY_ENUM_USER_STATUS_ACTIVE);
  registry_user_set_bump(d, bump);
  registry_user_set_name_len(d, (uint8_t)args.name_len);
  registry_registry_set_user_count(r, user_count);
  /* 10. event */
  registry_emit_user_registered(user->key, wallet->key, args.user_type, registry_user_name(d), (uint8_t)args.name_len,
                                clock.unix_timestamp);
  return GTX_SUCCESS;
}
