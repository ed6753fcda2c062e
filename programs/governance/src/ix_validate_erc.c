#include "governance.h"

/* certificates: implemented by the certificate work (step 2) */
uint64_t governance_validate_erc(const GtxInput *in) {
  (void)in;
  return GTX_FAIL(GOVERNANCE_ERR_NOT_IMPLEMENTED);
}
