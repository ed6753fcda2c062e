/*
 * Dispatch on the 8-byte Anchor instruction discriminator (compared as one u64).
 */
#include "counter.h"

/* Capacity for account infos: the most accounts any instruction takes (from the IDL). */
#define MAX_ACCOUNTS COUNTER_MAX_IX_ACCOUNTS

uint64_t entrypoint(const uint8_t *input) {
  GtxAccountInfo accounts[MAX_ACCOUNTS];
  GtxInput in;
  gtx_deserialize(input, &in, accounts, MAX_ACCOUNTS);

  if (in.data_len < 8) return GTX_FAIL(GTX_E_INSTRUCTION_MISSING);
  uint64_t disc = gtx_load_u64(in.data);
  /* Hot paths first. */
  if (disc == COUNTER_IX_INCREMENT_DISC) return counter_increment(&in);
  if (disc == COUNTER_IX_ADD_DISC) return counter_add(&in);
  if (disc == COUNTER_IX_GET_COUNT_DISC) return counter_get_count(&in);
  if (disc == COUNTER_IX_INITIALIZE_DISC) return counter_initialize(&in);
  return GTX_FAIL(GTX_E_INSTRUCTION_FALLBACK_NOT_FOUND);
}
