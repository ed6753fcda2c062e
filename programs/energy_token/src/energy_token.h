/*
 * Energy Token: the GRID mint (3 decimals, 1 base unit = 1 Wh) at the PDA ["grid_mint"], whose
 * mint authority is the PDA ["mint_authority"]. GRID is minted only by mint_from_production, which
 * requires the Registry program's PDA ["registry"] as a signer - something only the Registry
 * program can produce, through invoke_signed in its settle_balance. Holders burn their own GRID.
 *
 * The Registry program id is fixed at build time (the registry IDL's address), not taken from
 * whoever calls initialize first: a front-run initialize therefore changes nothing. TokenConfig
 * records it for clients and audits. Fixed-seed PDAs are compared with build-time constants
 * (<P>_PDA_*, generated from the IDLs' constant seeds into <gen/energy_token.h>, <gen/registry.h>).
 */
#ifndef ENERGY_TOKEN_H
#define ENERGY_TOKEN_H

#include <gen/energy_token.h>
/* REGISTRY_PROGRAM_ID and REGISTRY_PDA_REGISTRY: who may mint. */
#include <gen/registry.h>

static const uint8_t ENERGY_TOKEN_SEED_TOKEN_CONFIG[] = ENERGY_TOKEN_CONST_TOKEN_CONFIG_SEED_BYTES;
static const uint8_t ENERGY_TOKEN_SEED_GRID_MINT[] = ENERGY_TOKEN_CONST_GRID_MINT_SEED_BYTES;
static const uint8_t ENERGY_TOKEN_SEED_MINT_AUTHORITY[] = ENERGY_TOKEN_CONST_MINT_AUTHORITY_SEED_BYTES;

/* An account's current data length as the runtime keeps it in the input buffer (the u64 just
 * before the data). GtxAccountInfo.data_len is a snapshot from entry; a CPI that resizes the
 * account (System create_account/allocate) updates the buffer, not that snapshot. */
GTX_INLINE uint64_t energy_token_serialized_len(const GtxAccountInfo *a) { return gtx_load_u64(a->data - 8); }

/* Handlers, one file each (ix_<name>.c). */
uint64_t energy_token_initialize(const GtxInput *in);
uint64_t energy_token_mint_from_production(const GtxInput *in);
uint64_t energy_token_burn(const GtxInput *in);

#endif
