#include "energy_token.h"

/// mint_from_production(amount: u64): mint `amount` GRID (Wh) to `destination`.
///
/// Only the Registry program can call this: `registry_authority` must be its PDA ["registry"]
/// AND a signer, and only the Registry program can sign for its PDA (invoke_signed). Calling it
/// directly fails with AccountNotSigner (the PDA unsigned) or UnauthorizedMinter (any other
/// signer). The destination's mint is checked by the token program.
///
/// Accounts:
///   0. [signer] registry_authority - the Registry program's PDA ["registry"]
///   1. [writable] grid_mint - PDA ["grid_mint"]
///   2. [writable] destination - a GRID token account
///   3. [] mint_authority - PDA ["mint_authority"], signs the SPL mint_to
///   4. [] token_program - SPL Token
uint64_t energy_token_mint_from_production(const GtxInput *in) {
  EnergyTokenMintFromProductionArgs args;
  GTX_REQUIRE(energy_token_mint_from_production_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= ENERGY_TOKEN_IX_MINT_FROM_PRODUCTION_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *registry = &in->accounts[ENERGY_TOKEN_IX_MINT_FROM_PRODUCTION_REGISTRY_AUTHORITY];
  const GtxAccountInfo *mint = &in->accounts[ENERGY_TOKEN_IX_MINT_FROM_PRODUCTION_GRID_MINT];
  const GtxAccountInfo *destination = &in->accounts[ENERGY_TOKEN_IX_MINT_FROM_PRODUCTION_DESTINATION];
  const GtxAccountInfo *authority = &in->accounts[ENERGY_TOKEN_IX_MINT_FROM_PRODUCTION_MINT_AUTHORITY];
  const GtxAccountInfo *token_program = &in->accounts[ENERGY_TOKEN_IX_MINT_FROM_PRODUCTION_TOKEN_PROGRAM];
  /* 2. signer */
  GTX_REQUIRE(registry->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  /* 3. writable */
  GTX_REQUIRE(mint->is_writable && destination->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. program */
  GTX_REQUIRE(gtx_pubkey_eq(token_program->key, &GTX_TOKEN_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  /* 7. fixed PDAs: the signer is the Registry's, the mint and its authority are ours */
  GTX_REQUIRE(gtx_pubkey_eq(registry->key, &REGISTRY_PDA_REGISTRY), ENERGY_TOKEN_ERR_UNAUTHORIZED_MINTER);
  GTX_REQUIRE(gtx_pubkey_eq(mint->key, &ENERGY_TOKEN_PDA_GRID_MINT), ENERGY_TOKEN_ERR_INVALID_MINT);
  GTX_REQUIRE(gtx_pubkey_eq(authority->key, &ENERGY_TOKEN_PDA_MINT_AUTHORITY), ENERGY_TOKEN_ERR_INVALID_MINT_AUTHORITY);
  /* 8. business rule */
  GTX_REQUIRE(args.amount > 0, ENERGY_TOKEN_ERR_ZERO_AMOUNT);
  /* 9. mint, the authority PDA signing */
  uint8_t bump = ENERGY_TOKEN_PDA_MINT_AUTHORITY_BUMP;
  GtxSlice seeds[2] = {GTX_SEED(ENERGY_TOKEN_SEED_MINT_AUTHORITY, sizeof(ENERGY_TOKEN_SEED_MINT_AUTHORITY)),
                       GTX_SEED(&bump, 1)};
  GtxSigner signer = {seeds, 2};
  uint64_t err = gtx_token_mint_to(&GTX_TOKEN_PROGRAM_ID, mint, destination, authority, args.amount, &signer, 1);
  if (err) return err;
  /* 10. event, with the supply the token program just wrote */
  energy_token_emit_grid_minted(destination->key, args.amount, gtx_mint_supply(mint->data));
  return GTX_SUCCESS;
}
