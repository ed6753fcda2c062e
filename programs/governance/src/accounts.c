#include "governance.h"

uint64_t governance_check_config(const GovernanceGovernanceConfig *c) {
  GTX_REQUIRE(c->min_voting_secs >= GOVERNANCE_CONST_MIN_VOTING_SECS_FLOOR && c->min_voting_secs <= c->max_voting_secs &&
                  c->max_voting_secs <= GOVERNANCE_CONST_MAX_VOTING_SECS && c->quorum_bps >= 1 &&
                  c->quorum_bps <= GOVERNANCE_CONST_MAX_QUORUM_BPS,
              GOVERNANCE_ERR_INVALID_CONFIG);
  return GTX_SUCCESS;
}

/* Steps 4-7 for the Governance PDA: owner, exact size, discriminator, and the address, a
 * build-time constant (fixed seeds): no hash. */
uint64_t governance_check_governance(const GtxInput *in, const GtxAccountInfo *governance) {
  GTX_REQUIRE(gtx_is_owned_by(governance, in->program_id), GTX_E_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  GTX_REQUIRE(governance->data_len == GOVERNANCE_ACCOUNT_GOVERNANCE_LEN, GTX_E_ACCOUNT_DID_NOT_DESERIALIZE);
  GTX_REQUIRE(gtx_disc_is(governance->data, GOVERNANCE_ACCOUNT_GOVERNANCE_DISC), GTX_E_ACCOUNT_DISCRIMINATOR_MISMATCH);
  GTX_REQUIRE(gtx_pubkey_eq(governance->key, &GOVERNANCE_PDA_GOVERNANCE), GTX_E_CONSTRAINT_SEEDS);
  return GTX_SUCCESS;
}

/* Steps 4-7 for a Certificate: owner, exact size, discriminator, and the PDA re-derived from its
 * kind's stored seeds and bump (one sha256). */
uint64_t governance_check_certificate(const GtxInput *in, const GtxAccountInfo *certificate) {
  GTX_REQUIRE(gtx_is_owned_by(certificate, in->program_id), GTX_E_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  GTX_REQUIRE(certificate->data_len == GOVERNANCE_ACCOUNT_CERTIFICATE_LEN, GTX_E_ACCOUNT_DID_NOT_DESERIALIZE);
  uint8_t *d = certificate->data;
  GTX_REQUIRE(gtx_disc_is(d, GOVERNANCE_ACCOUNT_CERTIFICATE_DISC), GTX_E_ACCOUNT_DISCRIMINATOR_MISMATCH);
  uint8_t kind = governance_certificate_get_kind(d);
  const GtxPubkey *key =
      kind == GOVERNANCE_ENUM_CERTIFICATE_KIND_ISSUED ? governance_certificate_meter(d) : governance_certificate_parent(d);
  const uint8_t *tail = kind == GOVERNANCE_ENUM_CERTIFICATE_KIND_FILL
                            ? governance_certificate_buy_order(d)->x
                            : d + GOVERNANCE_ACCOUNT_CERTIFICATE_CERTIFICATE_ID_OFF;
  GtxSlice seeds[4];
  uint64_t n = governance_certificate_seeds(seeds, kind, key, tail, d + GOVERNANCE_ACCOUNT_CERTIFICATE_BUMP_OFF);
  GTX_REQUIRE(gtx_pda_verify(seeds, n, in->program_id, certificate->key), GTX_E_CONSTRAINT_SEEDS);
  return GTX_SUCCESS;
}

/* A new account: still the System program's, nothing allocated. */
uint64_t governance_check_new_account(const GtxAccountInfo *account) {
  GTX_REQUIRE(gtx_is_owned_by(account, &GTX_SYSTEM_PROGRAM_ID), GTX_E_ACCOUNT_NOT_SYSTEM_OWNED);
  GTX_REQUIRE(account->data_len == 0, GTX_E_CONSTRAINT_SPACE);
  return GTX_SUCCESS;
}

/// The common checks of set_config and transfer_authority, in the fixed order.
///
/// Accounts:
///   0. [signer] authority - must be the governance authority
///   1. [writable] governance - PDA ["governance"]
uint64_t governance_admin(const GtxInput *in, const GtxAccountInfo **governance_out) {
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= GOVERNANCE_IX_SET_CONFIG_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *authority = &in->accounts[GOVERNANCE_IX_SET_CONFIG_AUTHORITY];
  const GtxAccountInfo *governance = &in->accounts[GOVERNANCE_IX_SET_CONFIG_GOVERNANCE];
  /* 2. signer, 3. writable */
  GTX_REQUIRE(authority->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(governance->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. owner, size, discriminator, PDA */
  uint64_t err = governance_check_governance(in, governance);
  if (err) return err;
  /* 8. the signer is the stored authority (has_one) */
  GTX_REQUIRE(gtx_pubkey_eq(governance_governance_authority(governance->data), authority->key),
              GOVERNANCE_ERR_UNAUTHORIZED);
  *governance_out = governance;
  return GTX_SUCCESS;
}

/// The common checks of validate_erc and revoke_erc (the issuer authority acts on a certificate),
/// in the fixed order.
///
/// Accounts:
///   0. [signer] authority - must be the governance authority
///   1. [] governance - PDA ["governance"]
///   2. [writable] certificate
uint64_t governance_certificate_authority(const GtxInput *in, const GtxAccountInfo **certificate_out) {
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= GOVERNANCE_IX_VALIDATE_ERC_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *authority = &in->accounts[GOVERNANCE_IX_VALIDATE_ERC_AUTHORITY];
  const GtxAccountInfo *governance = &in->accounts[GOVERNANCE_IX_VALIDATE_ERC_GOVERNANCE];
  const GtxAccountInfo *certificate = &in->accounts[GOVERNANCE_IX_VALIDATE_ERC_CERTIFICATE];
  /* 2. signer, 3. writable */
  GTX_REQUIRE(authority->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(certificate->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. owner, size, discriminator, PDA of both */
  uint64_t err = governance_check_governance(in, governance);
  if (err) return err;
  err = governance_check_certificate(in, certificate);
  if (err) return err;
  /* 8. the signer is the issuer authority */
  GTX_REQUIRE(gtx_pubkey_eq(governance_governance_authority(governance->data), authority->key),
              GOVERNANCE_ERR_UNAUTHORIZED);
  *certificate_out = certificate;
  return GTX_SUCCESS;
}

/* Creates `account` (a PDA of this program, GOVERNANCE_PROGRAM_ID, whose seeds, bump included, are `seeds`) with `space`
 * bytes, paid by `payer`, and refreshes its data length. Out of line: the CPI structs need their
 * own stack frame. */
__attribute__((noinline)) uint64_t governance_create_pda(const GtxAccountInfo *payer, const GtxAccountInfo *account,
                                                         uint64_t space, const GtxSlice *seeds, uint64_t n_seeds) {
  GtxSigner signer = {seeds, n_seeds};
  uint64_t err = gtx_init_pda_account(payer, account, space, &GOVERNANCE_PROGRAM_ID, &signer);
  if (err) return err;
  governance_refresh_data_len(account);
  return GTX_SUCCESS;
}

void governance_copy_provenance(uint8_t *child, const uint8_t *parent, const GtxPubkey *parent_key) {
  uint8_t *p = (uint8_t *)parent;
  gtx_disc_write(child, GOVERNANCE_ACCOUNT_CERTIFICATE_DISC);
  gtx_pubkey_copy(governance_certificate_meter(child), governance_certificate_meter(p));
  gtx_pubkey_copy(governance_certificate_parent(child), parent_key);
  gtx_pubkey_copy(governance_certificate_origin(child), governance_certificate_origin(p));
  governance_certificate_set_period_start(child, governance_certificate_get_period_start(p));
  governance_certificate_set_period_end(child, governance_certificate_get_period_end(p));
  governance_certificate_set_zone_id(child, governance_certificate_get_zone_id(p));
  governance_certificate_set_meter_type(child, governance_certificate_get_meter_type(p));
  governance_certificate_set_status(child, governance_certificate_get_status(p));
}
