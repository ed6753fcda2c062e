#include "registry.h"

/// set_user_status(status: UserStatus): the registry authority suspends or reactivates a user.
/// A suspended user cannot register meters or settle; its meters' readings are still recorded
/// (they are physical measurements) and can be settled after reactivation.
///
/// Accounts:
///   0. [signer] authority - the registry authority
///   1. [] registry - PDA ["registry"]
///   2. [writable] user - PDA ["user", wallet]
uint64_t registry_set_user_status(const GtxInput *in) {
  RegistrySetUserStatusArgs args;
  GTX_REQUIRE(registry_set_user_status_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= REGISTRY_IX_SET_USER_STATUS_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *authority = &in->accounts[REGISTRY_IX_SET_USER_STATUS_AUTHORITY];
  const GtxAccountInfo *registry = &in->accounts[REGISTRY_IX_SET_USER_STATUS_REGISTRY];
  const GtxAccountInfo *user = &in->accounts[REGISTRY_IX_SET_USER_STATUS_USER];
  /* 2. signer, 3. writable */
  GTX_REQUIRE(authority->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(user->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7 for both accounts, then the authority relation */
  uint64_t err = registry_check_user(in, user);
  if (err) return err;
  err = registry_check_admin(in, authority, registry);
  if (err) return err;
  /* 8. a real change */
  uint8_t *d = user->data;
  uint8_t old = registry_user_get_status(d);
  GTX_REQUIRE(old != args.status, REGISTRY_ERR_STATUS_UNCHANGED);
  /* 9. write, 10. event */
  registry_user_set_status(d, args.status);
  registry_emit_user_status_changed(user->key, registry_user_wallet(d), authority->key, old, args.status);
  return GTX_SUCCESS;
}
