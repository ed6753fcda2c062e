#include "registry.h"

/// claim_erc_generation(volume_wh: u64): claim volume_wh of the meter's verified generation for a
/// renewable energy certificate. Only the Governance program can call it: its PDA ["governance"]
/// (the build-time constant GOVERNANCE_PDA_GOVERNANCE) must sign, which only Governance's
/// PDA-signed CPI from issue_erc can do. The meter's owner signs too.
///
/// Rules: the meter is Active, Solar or Wind, owned by `owner`; volume_wh > 0 and
/// claimed_erc_gen + volume_wh <= total_production (one green claim per Wh). claimed_erc_gen
/// advances before anything else is written; erc_certified_until becomes last_reading_at when the
/// claim leaves nothing uncertified.
///
/// Accounts:
///   0. [signer] governance - must be GOVERNANCE_PDA_GOVERNANCE
///   1. [writable] meter - PDA ["meter", meter_id]
///   2. [signer] owner - the meter's owner
uint64_t registry_claim_erc_generation(const GtxInput *in) {
  RegistryClaimErcGenerationArgs args;
  GTX_REQUIRE(registry_claim_erc_generation_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= REGISTRY_IX_CLAIM_ERC_GENERATION_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *governance = &in->accounts[REGISTRY_IX_CLAIM_ERC_GENERATION_GOVERNANCE];
  const GtxAccountInfo *meter = &in->accounts[REGISTRY_IX_CLAIM_ERC_GENERATION_METER];
  const GtxAccountInfo *owner = &in->accounts[REGISTRY_IX_CLAIM_ERC_GENERATION_OWNER];
  /* 2. signers: the Governance PDA (only its program can sign for it) and the owner */
  GTX_REQUIRE(governance->is_signer && owner->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(gtx_pubkey_eq(governance->key, &GOVERNANCE_PDA_GOVERNANCE), REGISTRY_ERR_NOT_GOVERNANCE);
  /* 3. writable */
  GTX_REQUIRE(meter->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. owner, size, discriminator, PDA */
  uint64_t err = registry_check_meter(in, meter);
  if (err) return err;
  uint8_t *d = meter->data;
  /* 8. business rules and checked math */
  GTX_REQUIRE(gtx_pubkey_eq(registry_meter_owner(d), owner->key), REGISTRY_ERR_NOT_METER_OWNER);
  GTX_REQUIRE(registry_meter_get_status(d) == REGISTRY_ENUM_METER_STATUS_ACTIVE, REGISTRY_ERR_METER_NOT_ACTIVE);
  uint8_t type = registry_meter_get_meter_type(d);
  GTX_REQUIRE(type == REGISTRY_ENUM_METER_TYPE_SOLAR || type == REGISTRY_ENUM_METER_TYPE_WIND,
              REGISTRY_ERR_NOT_GREEN_METER);
  GTX_REQUIRE(args.volume_wh > 0, REGISTRY_ERR_ZERO_VOLUME);
  uint64_t production = registry_meter_get_total_production(d), claimed;
  GTX_REQUIRE(gtx_add(registry_meter_get_claimed_erc_gen(d), args.volume_wh, &claimed) && claimed <= production,
              REGISTRY_ERR_EXCEEDS_UNCERTIFIED_GENERATION);
  /* 9. write: the tracker first */
  registry_meter_set_claimed_erc_gen(d, claimed);
  if (claimed == production) registry_meter_set_erc_certified_until(d, registry_meter_get_last_reading_at(d));
  /* 10. event */
  registry_emit_erc_generation_claimed(meter->key, owner->key, args.volume_wh, claimed, production,
                                       registry_meter_get_erc_certified_until(d));
  return GTX_SUCCESS;
}
