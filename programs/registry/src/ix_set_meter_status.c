#include "registry.h"

/// set_meter_status(status: MeterStatus): the registry authority activates or suspends a meter.
/// Pending is only the state of a new meter: no meter goes back to it. Keeps the registry's
/// active_meter_count. Activation records the chain clock in activated_at and clears
/// last_reading_at: the next reading is a new baseline that may not be older than activated_at,
/// so nobody can backdate it to claim elapsed time, and what a meter measured while it was not
/// Active (pending or suspended) is never minted.
///
/// Accounts:
///   0. [signer] authority - the registry authority
///   1. [writable] registry - PDA ["registry"] (active_meter_count)
///   2. [writable] meter - PDA ["meter", meter_id]
uint64_t registry_set_meter_status(const GtxInput *in) {
  RegistrySetMeterStatusArgs args;
  GTX_REQUIRE(registry_set_meter_status_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= REGISTRY_IX_SET_METER_STATUS_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *authority = &in->accounts[REGISTRY_IX_SET_METER_STATUS_AUTHORITY];
  const GtxAccountInfo *registry = &in->accounts[REGISTRY_IX_SET_METER_STATUS_REGISTRY];
  const GtxAccountInfo *meter = &in->accounts[REGISTRY_IX_SET_METER_STATUS_METER];
  /* 2. signer, 3. writable */
  GTX_REQUIRE(authority->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(registry->is_writable && meter->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7 for both accounts, then the authority relation */
  uint64_t err = registry_check_meter(in, meter);
  if (err) return err;
  err = registry_check_admin(in, authority, registry);
  if (err) return err;
  /* 8. allowed transition, checked counter */
  GTX_REQUIRE(args.status != REGISTRY_ENUM_METER_STATUS_PENDING, REGISTRY_ERR_INVALID_STATUS);
  uint8_t *d = meter->data;
  uint8_t old = registry_meter_get_status(d);
  GTX_REQUIRE(old != args.status, REGISTRY_ERR_STATUS_UNCHANGED);
  uint8_t *r = registry->data;
  uint64_t active = registry_registry_get_active_meter_count(r);
  bool ok = args.status == REGISTRY_ENUM_METER_STATUS_ACTIVE ? gtx_add(active, 1, &active)
            : old == REGISTRY_ENUM_METER_STATUS_ACTIVE      ? gtx_sub(active, 1, &active)
                                                            : true;
  GTX_REQUIRE(ok, REGISTRY_ERR_OVERFLOW);
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), GTX_E_ACCOUNT_SYSVAR_MISMATCH);
  /* 9. write, 10. event */
  registry_meter_set_status(d, args.status);
  if (args.status == REGISTRY_ENUM_METER_STATUS_ACTIVE) {
    registry_meter_set_activated_at(d, clock.unix_timestamp);
    registry_meter_set_last_reading_at(d, 0);
  }
  registry_registry_set_active_meter_count(r, active);
  registry_emit_meter_status_changed(meter->key, registry_meter_owner(d), authority->key, old, args.status,
                                     clock.unix_timestamp);
  return GTX_SUCCESS;
}
