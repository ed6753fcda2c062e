#include "governance.h"

/// validate_erc: the issuer authority validates an Issued certificate (Issued -> Validated), which
/// makes it tradeable as green. Certificates split off later keep the status.
///
/// Accounts:
///   0. [signer] authority - the governance authority (the ERC issuer)
///   1. [] governance - PDA ["governance"]
///   2. [writable] certificate
uint64_t governance_validate_erc(const GtxInput *in) {
  GTX_REQUIRE(governance_validate_erc_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1-7 and the authority */
  const GtxAccountInfo *certificate;
  uint64_t err = governance_certificate_authority(in, &certificate);
  if (err) return err;
  const GtxAccountInfo *authority = &in->accounts[GOVERNANCE_IX_VALIDATE_ERC_AUTHORITY];
  uint8_t *d = certificate->data;
  /* 8. only an Issued one */
  uint8_t status = governance_certificate_get_status(d);
  GTX_REQUIRE(status != GOVERNANCE_ENUM_CERTIFICATE_STATUS_REVOKED, GOVERNANCE_ERR_CERTIFICATE_IS_REVOKED);
  GTX_REQUIRE(status == GOVERNANCE_ENUM_CERTIFICATE_STATUS_ISSUED, GOVERNANCE_ERR_NOT_ISSUED);
  /* 9. write */
  governance_certificate_set_status(d, GOVERNANCE_ENUM_CERTIFICATE_STATUS_VALIDATED);
  /* 10. event */
  governance_emit_certificate_validated(certificate->key, authority->key, governance_certificate_owner(d),
                                        governance_certificate_get_volume_wh(d));
  return GTX_SUCCESS;
}
