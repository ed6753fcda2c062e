#include "governance.h"

/* voting: implemented by the voting work */

/// cast_vote: a stub until the voting work replaces this file (the design, accounts and rules are in
/// programs/governance/README.md, section Voting, and in the IDL). Refuses with NotImplemented.
uint64_t governance_cast_vote(const GtxInput *in) {
  (void)in;
  return GTX_FAIL(GOVERNANCE_ERR_NOT_IMPLEMENTED);
}
