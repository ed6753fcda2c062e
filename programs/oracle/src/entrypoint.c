/*
 * Dispatch on the 8-byte Anchor instruction discriminator (compared as one u64).
 */
#include "oracle.h"

/* Capacity for account infos: the most accounts any instruction takes (from the IDL). */
#define MAX_ACCOUNTS ORACLE_MAX_IX_ACCOUNTS

uint64_t entrypoint(const uint8_t *input) {
  GtxAccountInfo accounts[MAX_ACCOUNTS];
  GtxInput in;
  gtx_deserialize(input, &in, accounts, MAX_ACCOUNTS);

  if (in.data_len < 8) return GTX_FAIL(GTX_E_INSTRUCTION_MISSING);
  uint64_t disc = gtx_load_u64(in.data);
  /* Hot paths first: reads (consumers, CPI), then feeds, then administration. */
  if (disc == ORACLE_IX_GET_PRICE_DISC) return oracle_get_price(&in);
  if (disc == ORACLE_IX_GET_FRESH_PRICE_DISC) return oracle_get_fresh_price(&in);
  if (disc == ORACLE_IX_UPDATE_PRICE_DISC) return oracle_update_price(&in);
  if (disc == ORACLE_IX_ADD_FEEDER_DISC) return oracle_add_feeder(&in);
  if (disc == ORACLE_IX_REMOVE_FEEDER_DISC) return oracle_remove_feeder(&in);
  if (disc == ORACLE_IX_SET_LIMITS_DISC) return oracle_set_limits(&in);
  if (disc == ORACLE_IX_TRANSFER_AUTHORITY_DISC) return oracle_transfer_authority(&in);
  if (disc == ORACLE_IX_ACCEPT_AUTHORITY_DISC) return oracle_accept_authority(&in);
  if (disc == ORACLE_IX_INITIALIZE_DISC) return oracle_initialize(&in);
  return GTX_FAIL(GTX_E_INSTRUCTION_FALLBACK_NOT_FOUND);
}
