#include "governance.h"

/* Registry claim_erc_generation(volume_wh), signed by the Governance PDA: the Registry checks the
 * meter (Active, Solar or Wind, owned by `owner`, its PDA) and advances claimed_erc_gen, or
 * refuses. Out of line: the CPI structs need their own stack frame. */
static __attribute__((noinline)) uint64_t governance_cpi_claim(const GtxInput *in, uint64_t volume_wh) {
  const GtxAccountInfo *a = in->accounts;
  const GtxAccountInfo *governance = &a[GOVERNANCE_IX_ISSUE_ERC_GOVERNANCE];
  const GtxAccountInfo *meter = &a[GOVERNANCE_IX_ISSUE_ERC_METER];
  const GtxAccountInfo *owner = &a[GOVERNANCE_IX_ISSUE_ERC_OWNER];
  const GtxAccountInfo *registry_program = &a[GOVERNANCE_IX_ISSUE_ERC_REGISTRY_PROGRAM];
  uint64_t data[2] = {REGISTRY_IX_CLAIM_ERC_GENERATION_DISC, volume_wh}; /* discriminator, borsh u64 */
  /* In the Registry's account order (its IDL): governance, meter, owner. */
  GtxAccountMeta metas[REGISTRY_IX_CLAIM_ERC_GENERATION_ACCOUNTS] = {
      {governance->key, false, true},
      {meter->key, true, false},
      {owner->key, false, true},
  };
  GtxAccountInfo infos[REGISTRY_IX_CLAIM_ERC_GENERATION_ACCOUNTS + 1] = {*governance, *meter, *owner, *registry_program};
  GtxInstruction ix = {&REGISTRY_PROGRAM_ID, metas, REGISTRY_IX_CLAIM_ERC_GENERATION_ACCOUNTS, (const uint8_t *)data,
                       sizeof(data)};
  GOVERNANCE_PDA_SIGNER(signer, bump);
  return gtx_invoke_signed(&ix, infos, REGISTRY_IX_CLAIM_ERC_GENERATION_ACCOUNTS + 1, &signer, 1);
}

/// issue_erc(certificate_id, volume_wh): the meter's owner certifies volume_wh of the meter's
/// verified generation not yet certified. The Registry's claim_erc_generation (a CPI signed by the
/// Governance PDA) does every check on the meter and advances its claimed_erc_gen first, so no Wh
/// is ever certified twice; then the certificate is created: Issued, origin = itself, the meter's
/// zone and type, the period from the meter's erc_certified_until (activated_at while 0) to its
/// last_reading_at.
///
/// Accounts:
///   0. [writable, signer] payer - pays the certificate's rent
///   1. [signer] owner - the meter's owner; owns the certificate
///   2. [writable] meter - Registry Meter PDA
///   3. [] governance - PDA ["governance"]
///   4. [writable] certificate - PDA ["certificate", meter, certificate_id LE]; must not exist
///   5. [] registry_program - the Registry
///   6. [] system_program
uint64_t governance_issue_erc(const GtxInput *in) {
  GovernanceIssueErcArgs args;
  GTX_REQUIRE(governance_issue_erc_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= GOVERNANCE_IX_ISSUE_ERC_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *payer = &in->accounts[GOVERNANCE_IX_ISSUE_ERC_PAYER];
  const GtxAccountInfo *owner = &in->accounts[GOVERNANCE_IX_ISSUE_ERC_OWNER];
  const GtxAccountInfo *meter = &in->accounts[GOVERNANCE_IX_ISSUE_ERC_METER];
  const GtxAccountInfo *governance = &in->accounts[GOVERNANCE_IX_ISSUE_ERC_GOVERNANCE];
  const GtxAccountInfo *certificate = &in->accounts[GOVERNANCE_IX_ISSUE_ERC_CERTIFICATE];
  const GtxAccountInfo *registry_program = &in->accounts[GOVERNANCE_IX_ISSUE_ERC_REGISTRY_PROGRAM];
  const GtxAccountInfo *system = &in->accounts[GOVERNANCE_IX_ISSUE_ERC_SYSTEM_PROGRAM];
  /* 2. signers */
  GTX_REQUIRE(payer->is_signer && owner->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  /* 3. writable */
  GTX_REQUIRE(payer->is_writable && meter->is_writable && certificate->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. programs and owners: the meter is the Registry's (the Registry checks its PDA in the CPI);
   * the new certificate still belongs to the System program. 5. sizes */
  GTX_REQUIRE(gtx_pubkey_eq(registry_program->key, &REGISTRY_PROGRAM_ID) &&
                  gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID),
              GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_is_owned_by(meter, &REGISTRY_PROGRAM_ID) && meter->data_len == REGISTRY_ACCOUNT_METER_LEN &&
                  gtx_disc_is(meter->data, REGISTRY_ACCOUNT_METER_DISC),
              GOVERNANCE_ERR_INVALID_METER);
  uint64_t err = governance_check_new_account(certificate);
  if (err) return err;
  /* 4-7. the Governance PDA (it signs the CPI) */
  err = governance_check_governance(in, governance);
  if (err) return err;
  /* 7. the certificate PDA: canonical bump */
  GtxSlice seeds[4];
  uint64_t n = governance_certificate_seeds(seeds, GOVERNANCE_ENUM_CERTIFICATE_KIND_ISSUED, meter->key,
                                            (const uint8_t *)&args.certificate_id, NULL);
  GtxPubkey expected;
  uint8_t bump;
  GTX_REQUIRE(gtx_pda_find_fast(seeds, n, in->program_id, &expected, &bump) && gtx_pubkey_eq(&expected, certificate->key),
              GTX_E_CONSTRAINT_SEEDS);
  /* 8. business rules: a positive volume; the period as it stands before the claim */
  GTX_REQUIRE(args.volume_wh > 0, GOVERNANCE_ERR_ZERO_VOLUME);
  const uint8_t *m = meter->data;
  int64_t period_start = registry_meter_get_erc_certified_until(m);
  if (period_start == 0) period_start = registry_meter_get_activated_at(m);
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), GOVERNANCE_ERR_CLOCK_UNAVAILABLE);
  /* 9. the claim first (the Registry refuses anything already certified), then the certificate */
  err = governance_cpi_claim(in, args.volume_wh);
  if (err) return err;
  seeds[n] = GTX_SEED(&bump, 1);
  err = governance_create_pda(payer, certificate, GOVERNANCE_ACCOUNT_CERTIFICATE_LEN, seeds, n + 1);
  if (err) return err;
  uint8_t *d = certificate->data;
  /* the Registry's MeterType Solar = 0, Wind = 1 are Governance's MeterType (the claim refused the rest) */
  uint8_t meter_type = registry_meter_get_meter_type(m);
  int64_t period_end = registry_meter_get_last_reading_at(m);
  uint32_t zone = registry_meter_get_zone_id(m);
  gtx_disc_write(d, GOVERNANCE_ACCOUNT_CERTIFICATE_DISC);
  gtx_pubkey_copy(governance_certificate_owner(d), owner->key);
  gtx_pubkey_copy(governance_certificate_meter(d), meter->key);
  gtx_pubkey_copy(governance_certificate_origin(d), certificate->key);
  governance_certificate_set_certificate_id(d, args.certificate_id);
  governance_certificate_set_volume_wh(d, args.volume_wh);
  governance_certificate_set_period_start(d, period_start);
  governance_certificate_set_period_end(d, period_end);
  governance_certificate_set_issued_at(d, clock.unix_timestamp);
  governance_certificate_set_zone_id(d, zone);
  governance_certificate_set_kind(d, GOVERNANCE_ENUM_CERTIFICATE_KIND_ISSUED);
  governance_certificate_set_meter_type(d, meter_type);
  governance_certificate_set_status(d, GOVERNANCE_ENUM_CERTIFICATE_STATUS_ISSUED);
  governance_certificate_set_bump(d, bump);
  /* 10. event */
  governance_emit_certificate_issued(certificate->key, owner->key, meter->key, args.certificate_id, args.volume_wh,
                                     period_start, period_end, zone, meter_type,
                                     registry_meter_get_claimed_erc_gen(m));
  return GTX_SUCCESS;
}
