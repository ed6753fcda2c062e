#include "governance.h"

/// transfer_authority(new_authority): first step of a two-step hand-over of the issuer authority.
/// Nothing changes hands until new_authority signs accept_authority; the all-zero key cancels a
/// pending hand-over.
///
/// Accounts:
///   0. [signer] authority - must be the governance authority
///   1. [writable] governance - PDA ["governance"]
uint64_t governance_transfer_authority(const GtxInput *in) {
  GovernanceTransferAuthorityArgs args;
  GTX_REQUIRE(governance_transfer_authority_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  const GtxAccountInfo *governance;
  uint64_t err = governance_admin(in, &governance);
  if (err) return err;
  const GtxAccountInfo *authority = &in->accounts[GOVERNANCE_IX_TRANSFER_AUTHORITY_AUTHORITY];
  /* 9. write (8: any key is acceptable; it only matters once it signs) */
  gtx_pubkey_copy(governance_governance_pending_authority(governance->data), args.new_authority);
  /* 10. event */
  governance_emit_authority_transfer_proposed(authority->key, args.new_authority);
  return GTX_SUCCESS;
}
