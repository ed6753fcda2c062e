#include "governance.h"

/* voting: implemented by the voting work */

/// accept_market_authority: a stub until the voting work replaces this file (the design, accounts and rules are in
/// programs/governance/README.md, section Voting, and in the IDL). Refuses with NotImplemented.
uint64_t governance_accept_market_authority(const GtxInput *in) {
  (void)in;
  return GTX_FAIL(GOVERNANCE_ERR_NOT_IMPLEMENTED);
}
