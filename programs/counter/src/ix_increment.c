#include "counter.h"

/// increment: add one to the counter.
///
/// Accounts:
///   0. [signer] authority - must be the counter's stored authority
///   1. [writable] counter - PDA ["counter", authority]
uint64_t counter_increment(const GtxInput *in) {
  GTX_REQUIRE(counter_increment_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  return counter_apply_add(in, 1);
}
