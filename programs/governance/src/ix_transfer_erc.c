#include "governance.h"

/// transfer_erc(volume_wh): the owner moves volume_wh of the certificate's free volume (volume -
/// retired - locked) to `recipient`, whole or partial: a new certificate, PDA
/// ["certificate_split", certificate, children LE], owned by the recipient, with the same meter,
/// zone, type, period, origin and status, parent = this certificate. children += 1. Retired and
/// locked volume never move; a revoked certificate does not move at all.
///
/// Accounts:
///   0. [writable, signer] payer - pays the new certificate's rent
///   1. [signer] owner - the certificate's owner
///   2. [writable] certificate - the source
///   3. [] recipient - the new owner's wallet
///   4. [writable] child - PDA ["certificate_split", certificate, certificate.children LE]; must not exist
///   5. [] system_program
uint64_t governance_transfer_erc(const GtxInput *in) {
  GovernanceTransferErcArgs args;
  GTX_REQUIRE(governance_transfer_erc_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= GOVERNANCE_IX_TRANSFER_ERC_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *payer = &in->accounts[GOVERNANCE_IX_TRANSFER_ERC_PAYER];
  const GtxAccountInfo *owner = &in->accounts[GOVERNANCE_IX_TRANSFER_ERC_OWNER];
  const GtxAccountInfo *certificate = &in->accounts[GOVERNANCE_IX_TRANSFER_ERC_CERTIFICATE];
  const GtxAccountInfo *recipient = &in->accounts[GOVERNANCE_IX_TRANSFER_ERC_RECIPIENT];
  const GtxAccountInfo *child = &in->accounts[GOVERNANCE_IX_TRANSFER_ERC_CHILD];
  const GtxAccountInfo *system = &in->accounts[GOVERNANCE_IX_TRANSFER_ERC_SYSTEM_PROGRAM];
  /* 2. signers, 3. writable */
  GTX_REQUIRE(payer->is_signer && owner->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(payer->is_writable && certificate->is_writable && child->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. the System program; the child still belongs to it, 5. nothing allocated */
  GTX_REQUIRE(gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  uint64_t err = governance_check_new_account(child);
  if (err) return err;
  /* 4-7. the source certificate */
  err = governance_check_certificate(in, certificate);
  if (err) return err;
  uint8_t *d = certificate->data;
  /* 7. the child PDA: canonical bump */
  uint32_t index = governance_certificate_get_children(d);
  GtxSlice seeds[4];
  uint64_t n = governance_certificate_seeds(seeds, GOVERNANCE_ENUM_CERTIFICATE_KIND_SPLIT, certificate->key,
                                            d + GOVERNANCE_ACCOUNT_CERTIFICATE_CHILDREN_OFF, NULL);
  GtxPubkey expected;
  uint8_t bump;
  GTX_REQUIRE(gtx_pda_find_fast(seeds, n, in->program_id, &expected, &bump) && gtx_pubkey_eq(&expected, child->key),
              GTX_E_CONSTRAINT_SEEDS);
  /* 8. the owner's, not revoked, a positive volume within the free volume; the counters */
  GTX_REQUIRE(gtx_pubkey_eq(governance_certificate_owner(d), owner->key), GOVERNANCE_ERR_NOT_CERTIFICATE_OWNER);
  GTX_REQUIRE(governance_certificate_get_status(d) != GOVERNANCE_ENUM_CERTIFICATE_STATUS_REVOKED,
              GOVERNANCE_ERR_CERTIFICATE_IS_REVOKED);
  GTX_REQUIRE(args.volume_wh > 0, GOVERNANCE_ERR_ZERO_VOLUME);
  uint64_t free_wh;
  GTX_REQUIRE(governance_certificate_free(d, &free_wh) && args.volume_wh <= free_wh,
              GOVERNANCE_ERR_INSUFFICIENT_FREE_VOLUME);
  GTX_REQUIRE(index < UINT32_MAX, GOVERNANCE_ERR_MATH_OVERFLOW);
  uint64_t remaining = governance_certificate_get_volume_wh(d) - args.volume_wh; /* volume >= free >= args */
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), GOVERNANCE_ERR_CLOCK_UNAVAILABLE);
  /* 9. write: the child (the index bytes are the seed: copy them before the counter moves) */
  uint8_t index_le[4];
  gtx_store_u32(index_le, index);
  seeds[2] = GTX_SEED(index_le, 4);
  seeds[n] = GTX_SEED(&bump, 1);
  err = governance_create_pda(payer, child, GOVERNANCE_ACCOUNT_CERTIFICATE_LEN, seeds, n + 1);
  if (err) return err;
  uint8_t *c = child->data;
  governance_copy_provenance(c, d, certificate->key);
  gtx_pubkey_copy(governance_certificate_owner(c), recipient->key);
  governance_certificate_set_certificate_id(c, index);
  governance_certificate_set_volume_wh(c, args.volume_wh);
  governance_certificate_set_issued_at(c, clock.unix_timestamp);
  governance_certificate_set_kind(c, GOVERNANCE_ENUM_CERTIFICATE_KIND_SPLIT);
  governance_certificate_set_bump(c, bump);
  governance_certificate_set_volume_wh(d, remaining);
  governance_certificate_set_children(d, index + 1);
  /* 10. event */
  governance_emit_certificate_transferred(certificate->key, child->key, owner->key, recipient->key,
                                          governance_certificate_origin(d), args.volume_wh, remaining, index);
  return GTX_SUCCESS;
}
