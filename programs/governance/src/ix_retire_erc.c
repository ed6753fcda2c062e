#include "governance.h"

/* The CertificateRetired event, from the record just written (the texts zero-padded, as stored).
 * Out of line: the 382-byte event buffer needs its own stack frame. */
static __attribute__((noinline)) void governance_emit_retired(const GtxAccountInfo *retirement, uint64_t retired_wh) {
  uint8_t *r = retirement->data;
  governance_emit_certificate_retired(
      governance_retirement_certificate(r), retirement->key, governance_retirement_owner(r),
      governance_retirement_origin(r), governance_retirement_meter(r), governance_retirement_get_volume_wh(r), retired_wh,
      governance_retirement_get_index(r), r + GOVERNANCE_ACCOUNT_RETIREMENT_BENEFICIARY_OFF,
      r + GOVERNANCE_ACCOUNT_RETIREMENT_PURPOSE_OFF, governance_retirement_get_beneficiary_len(r),
      governance_retirement_get_purpose_len(r));
}

/// retire_erc(volume_wh, beneficiary, purpose): the owner retires (claims) volume_wh of the
/// certificate's free volume: retired_wh += volume_wh, and a Retirement PDA ["retirement",
/// certificate, retirements LE] records the claim (beneficiary <= MAX_BENEFICIARY_LEN bytes,
/// purpose <= MAX_PURPOSE_LEN bytes of UTF-8, the certificate's origin, meter and period).
/// Several retirements of one certificate are allowed; retired volume never moves again; a revoked
/// certificate cannot be retired.
///
/// Accounts:
///   0. [writable, signer] payer - pays the record's rent
///   1. [signer] owner - the certificate's owner
///   2. [writable] certificate
///   3. [writable] retirement - PDA ["retirement", certificate, certificate.retirements LE]; must not exist
///   4. [] system_program
uint64_t governance_retire_erc(const GtxInput *in) {
  GovernanceRetireErcArgs args;
  GTX_REQUIRE(governance_retire_erc_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= GOVERNANCE_IX_RETIRE_ERC_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *payer = &in->accounts[GOVERNANCE_IX_RETIRE_ERC_PAYER];
  const GtxAccountInfo *owner = &in->accounts[GOVERNANCE_IX_RETIRE_ERC_OWNER];
  const GtxAccountInfo *certificate = &in->accounts[GOVERNANCE_IX_RETIRE_ERC_CERTIFICATE];
  const GtxAccountInfo *retirement = &in->accounts[GOVERNANCE_IX_RETIRE_ERC_RETIREMENT];
  const GtxAccountInfo *system = &in->accounts[GOVERNANCE_IX_RETIRE_ERC_SYSTEM_PROGRAM];
  /* 2. signers, 3. writable */
  GTX_REQUIRE(payer->is_signer && owner->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(payer->is_writable && certificate->is_writable && retirement->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. the System program; the record still belongs to it, 5. nothing allocated */
  GTX_REQUIRE(gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  uint64_t err = governance_check_new_account(retirement);
  if (err) return err;
  /* 4-7. the certificate */
  err = governance_check_certificate(in, certificate);
  if (err) return err;
  uint8_t *d = certificate->data;
  /* 7. the record's PDA: canonical bump */
  uint32_t index = governance_certificate_get_retirements(d);
  uint8_t index_le[4];
  gtx_store_u32(index_le, index);
  GtxSlice seeds[4];
  uint64_t n = governance_retirement_seeds(seeds, certificate->key, index_le, NULL);
  GtxPubkey expected;
  uint8_t bump;
  GTX_REQUIRE(gtx_pda_find_fast(seeds, n, in->program_id, &expected, &bump) && gtx_pubkey_eq(&expected, retirement->key),
              GTX_E_CONSTRAINT_SEEDS);
  /* 8. the owner's, not revoked, the texts fit, a positive volume within the free volume */
  GTX_REQUIRE(gtx_pubkey_eq(governance_certificate_owner(d), owner->key), GOVERNANCE_ERR_NOT_CERTIFICATE_OWNER);
  GTX_REQUIRE(governance_certificate_get_status(d) != GOVERNANCE_ENUM_CERTIFICATE_STATUS_REVOKED,
              GOVERNANCE_ERR_CERTIFICATE_IS_REVOKED);
  GTX_REQUIRE(args.beneficiary_len <= GOVERNANCE_CONST_MAX_BENEFICIARY_LEN, GOVERNANCE_ERR_BENEFICIARY_TOO_LONG);
  GTX_REQUIRE(args.purpose_len <= GOVERNANCE_CONST_MAX_PURPOSE_LEN, GOVERNANCE_ERR_PURPOSE_TOO_LONG);
  GTX_REQUIRE(args.volume_wh > 0, GOVERNANCE_ERR_ZERO_VOLUME);
  uint64_t free_wh;
  GTX_REQUIRE(governance_certificate_free(d, &free_wh) && args.volume_wh <= free_wh,
              GOVERNANCE_ERR_INSUFFICIENT_FREE_VOLUME);
  GTX_REQUIRE(index < UINT32_MAX, GOVERNANCE_ERR_MATH_OVERFLOW);
  uint64_t retired = governance_certificate_get_retired_wh(d) + args.volume_wh; /* <= volume: no overflow */
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), GOVERNANCE_ERR_CLOCK_UNAVAILABLE);
  /* 9. write: the record, then the certificate */
  seeds[n] = GTX_SEED(&bump, 1);
  err = governance_create_pda(payer, retirement, GOVERNANCE_ACCOUNT_RETIREMENT_LEN, seeds, n + 1);
  if (err) return err;
  uint8_t *r = retirement->data;
  gtx_disc_write(r, GOVERNANCE_ACCOUNT_RETIREMENT_DISC);
  gtx_pubkey_copy(governance_retirement_certificate(r), certificate->key);
  gtx_pubkey_copy(governance_retirement_origin(r), governance_certificate_origin(d));
  gtx_pubkey_copy(governance_retirement_owner(r), owner->key);
  gtx_pubkey_copy(governance_retirement_meter(r), governance_certificate_meter(d));
  governance_retirement_set_volume_wh(r, args.volume_wh);
  governance_retirement_set_period_start(r, governance_certificate_get_period_start(d));
  governance_retirement_set_period_end(r, governance_certificate_get_period_end(d));
  governance_retirement_set_retired_at(r, clock.unix_timestamp);
  uint8_t *beneficiary = r + GOVERNANCE_ACCOUNT_RETIREMENT_BENEFICIARY_OFF;
  uint8_t *purpose = r + GOVERNANCE_ACCOUNT_RETIREMENT_PURPOSE_OFF;
  if (args.beneficiary_len) sol_memcpy_(beneficiary, args.beneficiary, args.beneficiary_len);
  if (args.purpose_len) sol_memcpy_(purpose, args.purpose, args.purpose_len);
  governance_retirement_set_index(r, index);
  governance_retirement_set_beneficiary_len(r, (uint8_t)args.beneficiary_len);
  governance_retirement_set_purpose_len(r, (uint8_t)args.purpose_len);
  governance_retirement_set_bump(r, bump);
  governance_certificate_set_retired_wh(d, retired);
  governance_certificate_set_retirements(d, index + 1);
  /* 10. event */
  governance_emit_retired(retirement, retired);
  return GTX_SUCCESS;
}
