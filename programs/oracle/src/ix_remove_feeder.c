#include "oracle.h"

/// remove_feeder(feeder): revoke `feeder`. The last listed feeder moves into its slot, so the
/// list stays packed (order is not meaningful) and freed slots are zeroed.
///
/// Accounts:
///   0. [signer] authority - must be the oracle's stored authority
///   1. [writable] oracle - PDA ["oracle"]
uint64_t oracle_remove_feeder(const GtxInput *in) {
  OracleRemoveFeederArgs args;
  GTX_REQUIRE(oracle_remove_feeder_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  const GtxAccountInfo *authority, *oracle;
  uint64_t err = oracle_admin_accounts(in, &authority, &oracle);
  if (err) return err;
  uint8_t *d = oracle->data;
  /* 8. it is listed (a found index implies 1 <= count) */
  int64_t i = oracle_feeder_index(d, args.feeder);
  GTX_REQUIRE(i >= 0, ORACLE_ERR_FEEDER_NOT_FOUND);
  uint64_t last = oracle_feeder_count(d) - 1;
  /* 9. write */
  if ((uint64_t)i != last) gtx_pubkey_copy(oracle_feeder_at(d, (uint64_t)i), oracle_feeder_at(d, last));
  oracle_pubkey_clear(oracle_feeder_at(d, last));
  oracle_oracle_set_feeder_count(d, (uint8_t)last);
  /* 10. event */
  oracle_emit_feeder_removed(authority->key, args.feeder, (uint8_t)last);
  return GTX_SUCCESS;
}
