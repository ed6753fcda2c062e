#include "counter.h"

/// add(amount: u64): add `amount` to the counter.
///
/// Accounts:
///   0. [signer] authority - must be the counter's stored authority
///   1. [writable] counter - PDA ["counter", authority]
uint64_t counter_add(const GtxInput *in) {
  CounterAddArgs args;
  GTX_REQUIRE(counter_add_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  return counter_apply_add(in, args.amount);
}
