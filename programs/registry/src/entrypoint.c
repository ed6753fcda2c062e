/*
 * Dispatch on the 8-byte Anchor instruction discriminator (compared as one u64).
 */
#include "registry.h"

/* Capacity for account infos: the most accounts any instruction takes (from the IDL). */
#define MAX_ACCOUNTS REGISTRY_MAX_IX_ACCOUNTS

uint64_t entrypoint(const uint8_t *input) {
  GtxAccountInfo accounts[MAX_ACCOUNTS];
  GtxInput in;
  gtx_deserialize(input, &in, accounts, MAX_ACCOUNTS);

  if (in.data_len < 8) return GTX_FAIL(GTX_E_INSTRUCTION_MISSING);
  uint64_t disc = gtx_load_u64(in.data);
  /* Hot paths first: readings arrive far more often than anything else. */
  if (disc == REGISTRY_IX_SUBMIT_READING_DISC) return registry_submit_reading(&in);
  if (disc == REGISTRY_IX_SETTLE_BALANCE_DISC) return registry_settle_balance(&in);
  if (disc == REGISTRY_IX_REGISTER_METER_DISC) return registry_register_meter(&in);
  if (disc == REGISTRY_IX_REGISTER_USER_DISC) return registry_register_user(&in);
  if (disc == REGISTRY_IX_SET_METER_STATUS_DISC) return registry_set_meter_status(&in);
  if (disc == REGISTRY_IX_SET_USER_STATUS_DISC) return registry_set_user_status(&in);
  if (disc == REGISTRY_IX_INITIALIZE_DISC) return registry_initialize(&in);
  return GTX_FAIL(GTX_E_INSTRUCTION_FALLBACK_NOT_FOUND);
}
