/*
 * Dispatch on the 8-byte Anchor instruction discriminator (compared as one u64).
 */
#include "energy_token.h"

/* Capacity for account infos: the most accounts any instruction takes (from the IDL). */
#define MAX_ACCOUNTS ENERGY_TOKEN_MAX_IX_ACCOUNTS

uint64_t entrypoint(const uint8_t *input) {
  GtxAccountInfo accounts[MAX_ACCOUNTS];
  GtxInput in;
  gtx_deserialize(input, &in, accounts, MAX_ACCOUNTS);

  if (in.data_len < 8) return GTX_FAIL(GTX_E_INSTRUCTION_MISSING);
  uint64_t disc = gtx_load_u64(in.data);
  /* Hot path first: every settlement mints. */
  if (disc == ENERGY_TOKEN_IX_MINT_FROM_PRODUCTION_DISC) return energy_token_mint_from_production(&in);
  if (disc == ENERGY_TOKEN_IX_BURN_DISC) return energy_token_burn(&in);
  if (disc == ENERGY_TOKEN_IX_INITIALIZE_DISC) return energy_token_initialize(&in);
  return GTX_FAIL(GTX_E_INSTRUCTION_FALLBACK_NOT_FOUND);
}
