#include "counter.h"

/// get_count: return the count as return data (borsh u64). Read-only, so `.view()` works.
///
/// Accounts:
///   0. [] counter - PDA ["counter", authority]
uint64_t counter_get_count(const GtxInput *in) {
  GTX_REQUIRE(counter_get_count_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  GTX_REQUIRE(in->account_count >= COUNTER_IX_GET_COUNT_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *counter = &in->accounts[COUNTER_IX_GET_COUNT_COUNTER];
  uint64_t err = counter_check_account(in, counter);
  if (err) return err;
  gtx_set_return_u64(counter_counter_get_count(counter->data));
  return GTX_SUCCESS;
}
