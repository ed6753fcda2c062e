#include "registry.h"

/// register_meter(meter_id: String, meter_pubkey: Pubkey, meter_type: MeterType, zone_id: u32,
///                rated_capacity_w: u64): register a smart meter for its owner.
///
/// The owner signs and must be a registered, Active user. meter_id: 1..=32 bytes of UTF-8,
/// unique (it is the PDA seed). meter_pubkey: the meter's Ed25519 public key, the canonical
/// encoding of a point of large order (gtx/ed25519_key.h); every reading must be signed by it.
/// One key registers one meter: the MeterKey PDA ["meter_key", meter_pubkey] is created with the
/// meter and refuses a second registration of the same key. The meter starts Pending: it cannot
/// submit readings until the registry authority activates it.
///
/// Accounts:
///   0. [writable, signer] payer - pays the Meter and MeterKey accounts' rent
///   1. [signer] owner - the meter's owner
///   2. [writable] registry - PDA ["registry"] (meter_count)
///   3. [writable] user - PDA ["user", owner] (meter_count)
///   4. [writable] meter - PDA ["meter", meter_id]; must not exist yet
///   5. [writable] meter_key - PDA ["meter_key", meter_pubkey]; must not exist yet
///   6. [] system_program
uint64_t registry_register_meter(const GtxInput *in) {
  RegistryRegisterMeterArgs args;
  GTX_REQUIRE(registry_register_meter_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= REGISTRY_IX_REGISTER_METER_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *payer = &in->accounts[REGISTRY_IX_REGISTER_METER_PAYER];
  const GtxAccountInfo *owner = &in->accounts[REGISTRY_IX_REGISTER_METER_OWNER];
  const GtxAccountInfo *registry = &in->accounts[REGISTRY_IX_REGISTER_METER_REGISTRY];
  const GtxAccountInfo *user = &in->accounts[REGISTRY_IX_REGISTER_METER_USER];
  const GtxAccountInfo *meter = &in->accounts[REGISTRY_IX_REGISTER_METER_METER];
  const GtxAccountInfo *meter_key = &in->accounts[REGISTRY_IX_REGISTER_METER_METER_KEY];
  const GtxAccountInfo *system = &in->accounts[REGISTRY_IX_REGISTER_METER_SYSTEM_PROGRAM];
  /* 2. signers, 3. writable */
  GTX_REQUIRE(payer->is_signer && owner->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(payer->is_writable && registry->is_writable && user->is_writable && meter->is_writable &&
                  meter_key->is_writable,
              GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. programs; registry; the owner's user account; the two new accounts */
  GTX_REQUIRE(gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  uint64_t err = registry_check_registry(in, registry);
  if (err) return err;
  err = registry_check_user(in, user);
  if (err) return err;
  uint8_t *u = user->data;
  GTX_REQUIRE(gtx_pubkey_eq(registry_user_wallet(u), owner->key), REGISTRY_ERR_OWNER_MISMATCH);
  err = registry_check_new_account(in, meter, REGISTRY_ERR_METER_ALREADY_REGISTERED);
  if (err) return err;
  err = registry_check_new_account(in, meter_key, REGISTRY_ERR_METER_KEY_ALREADY_REGISTERED);
  if (err) return err;
  /* The id seeds the meter's PDA, so its length is checked where the PDA is. */
  GTX_REQUIRE(args.meter_id_len >= 1 && args.meter_id_len <= REGISTRY_CONST_MAX_METER_ID_LEN &&
                  !gtx_text_has_control(args.meter_id, args.meter_id_len),
              REGISTRY_ERR_INVALID_METER_ID);
  GtxSlice seeds[3];
  uint64_t n = registry_meter_seeds(seeds, args.meter_id, args.meter_id_len, NULL);
  GtxPubkey expected;
  uint8_t bump, key_bump;
  GTX_REQUIRE(gtx_pda_find_fast(seeds, n, in->program_id, &expected, &bump) && gtx_pubkey_eq(&expected, meter->key),
              GTX_E_CONSTRAINT_SEEDS);
  n = registry_meter_key_seeds(seeds, args.meter_pubkey, NULL);
  GTX_REQUIRE(gtx_pda_find_fast(seeds, n, in->program_id, &expected, &key_bump) &&
                  gtx_pubkey_eq(&expected, meter_key->key),
              GTX_E_CONSTRAINT_SEEDS);
  /* 8. business rules, checked math */
  GTX_REQUIRE(registry_user_get_status(u) == REGISTRY_ENUM_USER_STATUS_ACTIVE, REGISTRY_ERR_USER_NOT_ACTIVE);
  GTX_REQUIRE(gtx_ed25519_key_is_strong(args.meter_pubkey->x), REGISTRY_ERR_INVALID_METER_KEY);
  uint8_t *r = registry->data;
  uint64_t meter_count, user_meters;
  GTX_REQUIRE(gtx_add(registry_registry_get_meter_count(r), 1, &meter_count) &&
                  gtx_add(registry_user_get_meter_count(u), 1, &user_meters),
              REGISTRY_ERR_OVERFLOW);
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), GTX_E_ACCOUNT_SYSVAR_MISMATCH);
  /* 9. create and write (allocations are zeroed: registers, totals, last_reading_at, padding) */
  n = registry_meter_seeds(seeds, args.meter_id, args.meter_id_len, &bump);
  GtxSigner signer = {seeds, n};
  err = registry_create_pda(in, payer, meter, REGISTRY_ACCOUNT_METER_LEN, &signer);
  if (err) return err;
  n = registry_meter_key_seeds(seeds, args.meter_pubkey, &key_bump);
  signer = (GtxSigner){seeds, n};
  err = registry_create_pda(in, payer, meter_key, REGISTRY_ACCOUNT_METER_KEY_LEN, &signer);
  if (err) return err;
  uint8_t *k = meter_key->data;
  gtx_disc_write(k, REGISTRY_ACCOUNT_METER_KEY_DISC);
  gtx_pubkey_copy(registry_meter_key_meter(k), meter->key);
  registry_meter_key_set_bump(k, key_bump);
  uint8_t *d = meter->data;
  gtx_disc_write(d, REGISTRY_ACCOUNT_METER_DISC);
  gtx_pubkey_copy(registry_meter_owner(d), owner->key);
  gtx_pubkey_copy(registry_meter_meter_pubkey(d), args.meter_pubkey);
  sol_memcpy_(registry_meter_meter_id(d), args.meter_id, args.meter_id_len);
  registry_meter_set_rated_capacity_w(d, args.rated_capacity_w);
  registry_meter_set_registered_at(d, clock.unix_timestamp);
  registry_meter_set_zone_id(d, args.zone_id);
  registry_meter_set_meter_id_len(d, (uint8_t)args.meter_id_len);
  registry_meter_set_meter_type(d, args.meter_type);
  registry_meter_set_status(d, REGISTRY_ENUM_METER_STATUS_PENDING);
  registry_meter_set_bump(d, bump);
  registry_registry_set_meter_count(r, meter_count);
  registry_user_set_meter_count(u, user_meters);
  /* 10. event */
  registry_emit_meter_registered(meter->key, owner->key, args.meter_pubkey, registry_meter_meter_id(d),
                                 (uint8_t)args.meter_id_len, args.meter_type, args.zone_id, args.rated_capacity_w,
                                 clock.unix_timestamp);
  return GTX_SUCCESS;
}
