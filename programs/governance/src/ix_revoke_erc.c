#include "governance.h"

/// revoke_erc(reason): the issuer authority revokes a certificate that is not Revoked and still
/// holds volume that is not retired (retired volume is a claim already made: it stays as it is).
/// A revoked certificate can no longer be transferred, retired, locked or delivered; a lock on it
/// can still be released (unlock), so a green order can always be cancelled.
///
/// Accounts:
///   0. [signer] authority - the governance authority (the ERC issuer)
///   1. [] governance - PDA ["governance"]
///   2. [writable] certificate
uint64_t governance_revoke_erc(const GtxInput *in) {
  GovernanceRevokeErcArgs args;
  GTX_REQUIRE(governance_revoke_erc_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1-7 and the authority */
  const GtxAccountInfo *certificate;
  uint64_t err = governance_certificate_authority(in, &certificate);
  if (err) return err;
  const GtxAccountInfo *authority = &in->accounts[GOVERNANCE_IX_REVOKE_ERC_AUTHORITY];
  uint8_t *d = certificate->data;
  /* 8. not revoked yet; something not retired (retired <= volume always holds) */
  uint8_t status = governance_certificate_get_status(d);
  GTX_REQUIRE(status != GOVERNANCE_ENUM_CERTIFICATE_STATUS_REVOKED, GOVERNANCE_ERR_ALREADY_REVOKED);
  uint64_t frozen;
  GTX_REQUIRE(gtx_sub(governance_certificate_get_volume_wh(d), governance_certificate_get_retired_wh(d), &frozen) &&
                  frozen > 0,
              GOVERNANCE_ERR_NOTHING_TO_REVOKE);
  /* 9. write */
  governance_certificate_set_status(d, GOVERNANCE_ENUM_CERTIFICATE_STATUS_REVOKED);
  /* 10. event */
  governance_emit_certificate_revoked(certificate->key, authority->key, governance_certificate_owner(d), args.reason,
                                      status, frozen);
  return GTX_SUCCESS;
}
