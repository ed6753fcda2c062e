#include "energy_token.h"

/// burn(amount: u64): the holder burns `amount` GRID from its own token account.
///
/// Accounts:
///   0. [signer] holder - owner (or delegate) of token_account
///   1. [writable] token_account - a GRID token account
///   2. [writable] grid_mint - PDA ["grid_mint"]
///   3. [] token_program - SPL Token
uint64_t energy_token_burn(const GtxInput *in) {
  EnergyTokenBurnArgs args;
  GTX_REQUIRE(energy_token_burn_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= ENERGY_TOKEN_IX_BURN_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *holder = &in->accounts[ENERGY_TOKEN_IX_BURN_HOLDER];
  const GtxAccountInfo *account = &in->accounts[ENERGY_TOKEN_IX_BURN_TOKEN_ACCOUNT];
  const GtxAccountInfo *mint = &in->accounts[ENERGY_TOKEN_IX_BURN_GRID_MINT];
  const GtxAccountInfo *token_program = &in->accounts[ENERGY_TOKEN_IX_BURN_TOKEN_PROGRAM];
  /* 2. signer, 3. writable */
  GTX_REQUIRE(holder->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(account->is_writable && mint->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. program; 7. the GRID mint (so this burns GRID, not any token) */
  GTX_REQUIRE(gtx_pubkey_eq(token_program->key, &GTX_TOKEN_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_pubkey_eq(mint->key, &ENERGY_TOKEN_PDA_GRID_MINT), ENERGY_TOKEN_ERR_INVALID_MINT);
  /* 8. business rule */
  GTX_REQUIRE(args.amount > 0, ENERGY_TOKEN_ERR_ZERO_AMOUNT);
  /* 9. burn: the token program checks the holder's authority, balance and the account's mint */
  uint64_t err = gtx_token_burn(&GTX_TOKEN_PROGRAM_ID, account, mint, holder, args.amount, NULL, 0);
  if (err) return err;
  /* 10. event */
  energy_token_emit_grid_burned(holder->key, account->key, args.amount, gtx_mint_supply(mint->data));
  return GTX_SUCCESS;
}
