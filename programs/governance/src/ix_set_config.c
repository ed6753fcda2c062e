#include "governance.h"

/// set_config(config): the authority replaces the voting config. Open proposals keep the end and
/// quorum they were created with.
///
/// Accounts:
///   0. [signer] authority - must be the governance authority
///   1. [writable] governance - PDA ["governance"]
uint64_t governance_set_config(const GtxInput *in) {
  GovernanceSetConfigArgs args;
  GTX_REQUIRE(governance_set_config_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1-7 and the authority */
  const GtxAccountInfo *governance;
  uint64_t err = governance_admin(in, &governance);
  if (err) return err;
  const GtxAccountInfo *authority = &in->accounts[GOVERNANCE_IX_SET_CONFIG_AUTHORITY];
  /* 8. the config */
  const GovernanceGovernanceConfig *c = &args.config;
  err = governance_check_config(c);
  if (err) return err;
  /* 9. write, keeping the previous config for the event */
  uint8_t *d = governance->data;
  uint32_t prev_min = governance_governance_get_config_min_voting_secs(d);
  uint32_t prev_max = governance_governance_get_config_max_voting_secs(d);
  uint16_t prev_quorum = governance_governance_get_config_quorum_bps(d);
  governance_write_config(d, c);
  /* 10. event */
  governance_emit_config_changed(authority->key, prev_min, prev_max, prev_quorum, c->min_voting_secs,
                                 c->max_voting_secs, c->quorum_bps);
  return GTX_SUCCESS;
}
