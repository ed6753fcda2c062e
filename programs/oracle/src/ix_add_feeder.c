#include "oracle.h"

/// add_feeder(feeder): authorise `feeder` to publish prices.
///
/// Accounts:
///   0. [signer] authority - must be the oracle's stored authority
///   1. [writable] oracle - PDA ["oracle"]
uint64_t oracle_add_feeder(const GtxInput *in) {
  OracleAddFeederArgs args;
  GTX_REQUIRE(oracle_add_feeder_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  const GtxAccountInfo *authority, *oracle;
  uint64_t err = oracle_admin_accounts(in, &authority, &oracle);
  if (err) return err;
  uint8_t *d = oracle->data;
  /* 8. a real key, not yet listed, and room left */
  GTX_REQUIRE(!gtx_pubkey_is_zero(args.feeder), ORACLE_ERR_INVALID_FEEDER);
  GTX_REQUIRE(oracle_feeder_index(d, args.feeder) < 0, ORACLE_ERR_FEEDER_ALREADY_AUTHORISED);
  uint64_t count = oracle_feeder_count(d);
  GTX_REQUIRE(count < ORACLE_CONST_MAX_FEEDERS, ORACLE_ERR_FEEDER_LIST_FULL);
  /* 9. write */
  gtx_pubkey_copy(oracle_feeder_at(d, count), args.feeder);
  oracle_oracle_set_feeder_count(d, (uint8_t)(count + 1));
  /* 10. event */
  oracle_emit_feeder_added(authority->key, args.feeder, (uint8_t)(count + 1));
  return GTX_SUCCESS;
}
