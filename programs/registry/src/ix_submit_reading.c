#include "registry.h"

/// submit_reading(production_register_wh: u64, consumption_register_wh: u64, timestamp: i64):
/// record one reading of the meter's cumulative registers.
///
/// Who may send it: anyone (the app's poller pays the fee); what makes it valid is the meter's
/// own Ed25519 signature over the reading's canonical encoding, in an Ed25519-program instruction
/// placed immediately before this one (see registry_verify_reading_signature).
///
/// Rules (the meter is Active; timestamp at most MAX_CLOCK_SKEW_SECS ahead of the cluster clock):
///  - baseline (last_reading_at == 0: the first reading since activation): timestamp >=
///    activated_at; the registers are stored and nothing is added, because there is no earlier
///    reading to measure the energy from. A backdated first reading is refused, and so is a
///    meter's claim to have produced its whole lifetime's energy in our window.
///  - later readings: timestamp > last_reading_at (replays and older readings are refused; they
///    lose nothing, because the next register covers them), registers >= the stored ones, and the
///    production difference <= rated_capacity_w * (timestamp - last_reading_at) / 3600 (floor).
///    The totals grow by the register differences in checked u64 arithmetic, and so does the
///    Registry's total_production (the sum over all meters, saturating at u64::MAX: Governance's
///    quorum is a share of it).
///
/// Accounts:
///   0. [writable] meter - PDA ["meter", meter_id]
///   1. [] instructions - the instructions sysvar
///   2. [writable] registry - PDA ["registry"]
uint64_t registry_submit_reading(const GtxInput *in) {
  RegistrySubmitReadingArgs args;
  GTX_REQUIRE(registry_submit_reading_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= REGISTRY_IX_SUBMIT_READING_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *meter = &in->accounts[REGISTRY_IX_SUBMIT_READING_METER];
  const GtxAccountInfo *ixs = &in->accounts[REGISTRY_IX_SUBMIT_READING_INSTRUCTIONS];
  const GtxAccountInfo *registry = &in->accounts[REGISTRY_IX_SUBMIT_READING_REGISTRY];
  /* 2. no signer: the meter's signature is checked below. 3. writable */
  GTX_REQUIRE(meter->is_writable && registry->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. the sysvar's address; the meter's owner, size, discriminator, PDA */
  GTX_REQUIRE(gtx_pubkey_eq(ixs->key, &GTX_SYSVAR_INSTRUCTIONS_ID), GTX_E_ACCOUNT_SYSVAR_MISMATCH);
  uint64_t err = registry_check_meter(in, meter);
  if (err) return err;
  err = registry_check_registry(in, registry);
  if (err) return err;
  uint8_t *d = meter->data;
  /* The meter signed exactly this reading. */
  uint64_t msg[(REGISTRY_CONST_READING_MESSAGE_LEN + 7) / 8];
  registry_encode_reading((uint8_t *)msg, d, args.production_register_wh, args.consumption_register_wh,
                          args.timestamp);
  err = registry_verify_reading_signature(ixs, d, (const uint8_t *)msg);
  if (err) return err;
  /* 8. business rules and checked math */
  GTX_REQUIRE(registry_meter_get_status(d) == REGISTRY_ENUM_METER_STATUS_ACTIVE, REGISTRY_ERR_METER_NOT_ACTIVE);
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), GTX_E_ACCOUNT_SYSVAR_MISMATCH);
  int64_t ahead;
  GTX_REQUIRE(gtx_sub_i64(args.timestamp, clock.unix_timestamp, &ahead) && ahead <= REGISTRY_CONST_MAX_CLOCK_SKEW_SECS,
              REGISTRY_ERR_TIMESTAMP_IN_FUTURE);
  int64_t last = registry_meter_get_last_reading_at(d);
  uint64_t production = registry_meter_get_total_production(d);
  uint64_t consumption = registry_meter_get_total_consumption(d);
  uint64_t production_wh = 0, consumption_wh = 0, count;
  /* last == 0: no reading since activation (accepted timestamps are >= activated_at > 0). */
  bool baseline = last == 0;
  if (baseline) {
    GTX_REQUIRE(args.timestamp >= registry_meter_get_activated_at(d), REGISTRY_ERR_READING_BEFORE_ACTIVATION);
  } else {
    GTX_REQUIRE(args.timestamp > last, REGISTRY_ERR_STALE_READING);
    GTX_REQUIRE(gtx_sub(args.production_register_wh, registry_meter_get_production_register(d), &production_wh) &&
                    gtx_sub(args.consumption_register_wh, registry_meter_get_consumption_register(d),
                            &consumption_wh),
                REGISTRY_ERR_REGISTER_DECREASED);
    /* timestamp > last, both i64: the difference is positive and fits in a u64. */
    uint64_t elapsed = (uint64_t)args.timestamp - (uint64_t)last;
    uint64_t max_wh;
    if (!gtx_mul_div(registry_meter_get_rated_capacity_w(d), elapsed, REGISTRY_SECONDS_PER_HOUR, GTX_ROUND_DOWN,
                     &max_wh))
      max_wh = UINT64_MAX; /* the bound itself exceeds u64: no u64 difference can break it */
    GTX_REQUIRE(production_wh <= max_wh, REGISTRY_ERR_PRODUCTION_EXCEEDS_CAPACITY);
    GTX_REQUIRE(gtx_add(production, production_wh, &production) && gtx_add(consumption, consumption_wh, &consumption),
                REGISTRY_ERR_OVERFLOW);
  }
  GTX_REQUIRE(gtx_add(registry_meter_get_reading_count(d), 1, &count), REGISTRY_ERR_OVERFLOW);
  /* The sum over all meters saturates instead of refusing: one meter's valid reading is never
   * refused because of the others' totals (u64 Wh is ~18 million TWh: only tests get there). */
  uint64_t all_production;
  if (!gtx_add(registry_registry_get_total_production(registry->data), production_wh, &all_production))
    all_production = UINT64_MAX;
  /* 9. write */
  registry_meter_set_production_register(d, args.production_register_wh);
  registry_meter_set_consumption_register(d, args.consumption_register_wh);
  registry_meter_set_total_production(d, production);
  registry_meter_set_total_consumption(d, consumption);
  registry_meter_set_reading_count(d, count);
  registry_meter_set_last_reading_at(d, args.timestamp);
  if (production_wh > 0) registry_registry_set_total_production(registry->data, all_production);
  /* 10. event */
  registry_emit_reading_submitted(meter->key, registry_meter_owner(d), production_wh, consumption_wh,
                                  args.production_register_wh, args.consumption_register_wh, args.timestamp, baseline,
                                  production, consumption);
  return GTX_SUCCESS;
}
