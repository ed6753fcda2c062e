#include "oracle.h"

/// transfer_authority(new_authority): first step of a two-step hand-over. Records the pending
/// authority; nothing changes hands until it signs accept_authority, so a typo cannot lock the
/// oracle. The default (all-zero) key cancels a pending hand-over.
///
/// Accounts:
///   0. [signer] authority - must be the oracle's stored authority
///   1. [writable] oracle - PDA ["oracle"]
uint64_t oracle_transfer_authority(const GtxInput *in) {
  OracleTransferAuthorityArgs args;
  GTX_REQUIRE(oracle_transfer_authority_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  const GtxAccountInfo *authority, *oracle;
  uint64_t err = oracle_admin_accounts(in, &authority, &oracle);
  if (err) return err;
  /* 9. write (8: any key is acceptable; it only matters once it signs) */
  gtx_pubkey_copy(oracle_oracle_pending_authority(oracle->data), args.new_authority);
  /* 10. event */
  oracle_emit_authority_transfer_proposed(authority->key, args.new_authority);
  return GTX_SUCCESS;
}
