#include "registry.h"

/* Mint `amount` GRID to the settle_balance destination through Energy Token's
 * mint_from_production, the Registry PDA signing as its registry_authority. Out of line: the CPI
 * structs need their own stack frame. */
static __attribute__((noinline)) uint64_t registry_cpi_mint(const GtxInput *in, uint64_t amount) {
  const GtxAccountInfo *a = in->accounts;
  const GtxAccountInfo *registry = &a[REGISTRY_IX_SETTLE_BALANCE_REGISTRY];
  const GtxAccountInfo *mint = &a[REGISTRY_IX_SETTLE_BALANCE_GRID_MINT];
  const GtxAccountInfo *destination = &a[REGISTRY_IX_SETTLE_BALANCE_OWNER_TOKEN_ACCOUNT];
  const GtxAccountInfo *authority = &a[REGISTRY_IX_SETTLE_BALANCE_MINT_AUTHORITY];
  const GtxAccountInfo *token_program = &a[REGISTRY_IX_SETTLE_BALANCE_TOKEN_PROGRAM];
  uint64_t data[2] = {ENERGY_TOKEN_IX_MINT_FROM_PRODUCTION_DISC, amount}; /* discriminator, borsh u64 */
  /* In Energy Token's account order (its IDL): registry_authority, grid_mint, destination,
   * mint_authority, token_program. */
  GtxAccountMeta metas[ENERGY_TOKEN_IX_MINT_FROM_PRODUCTION_ACCOUNTS] = {
      {registry->key, false, true},
      {mint->key, true, false},
      {destination->key, true, false},
      {authority->key, false, false},
      {token_program->key, false, false},
  };
  GtxAccountInfo infos[ENERGY_TOKEN_IX_MINT_FROM_PRODUCTION_ACCOUNTS] = {*registry, *mint, *destination, *authority,
                                                                          *token_program};
  GtxInstruction ix = {&ENERGY_TOKEN_PROGRAM_ID, metas, ENERGY_TOKEN_IX_MINT_FROM_PRODUCTION_ACCOUNTS,
                       (const uint8_t *)data, sizeof(data)};
  uint8_t bump = REGISTRY_PDA_REGISTRY_BUMP;
  GtxSlice seeds[2] = {GTX_SEED(REGISTRY_SEED_REGISTRY, sizeof(REGISTRY_SEED_REGISTRY)), GTX_SEED(&bump, 1)};
  GtxSigner signer = {seeds, 2};
  return gtx_invoke_signed(&ix, infos, ENERGY_TOKEN_IX_MINT_FROM_PRODUCTION_ACCOUNTS, &signer, 1);
}

/// settle_balance: mint the meter's unsettled net generation as GRID to its owner.
///
/// mintable = max(0, total_production - total_consumption) - settled_net_gen, floored at 0;
/// 0 is refused with NothingToSettle (so a second settle with no new readings fails and mints
/// nothing). settled_net_gen advances BEFORE the mint CPI. Anyone may send it: the amount comes
/// from the meter and the tokens can only go to the owner's GRID associated token account. The
/// meter and its owner must both be Active.
///
/// Accounts:
///   0. [writable] meter - PDA ["meter", meter_id]
///   1. [] user - PDA ["user", meter.owner]
///   2. [] registry - PDA ["registry"]; signs the CPI
///   3. [writable] owner_token_account - the owner's GRID associated token account (must exist)
///   4. [writable] grid_mint - Energy Token's PDA ["grid_mint"]
///   5. [] mint_authority - Energy Token's PDA ["mint_authority"]
///   6. [] token_program - SPL Token
///   7. [] energy_token_program - Energy Token
uint64_t registry_settle_balance(const GtxInput *in) {
  GTX_REQUIRE(registry_settle_balance_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= REGISTRY_IX_SETTLE_BALANCE_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *meter = &in->accounts[REGISTRY_IX_SETTLE_BALANCE_METER];
  const GtxAccountInfo *user = &in->accounts[REGISTRY_IX_SETTLE_BALANCE_USER];
  const GtxAccountInfo *registry = &in->accounts[REGISTRY_IX_SETTLE_BALANCE_REGISTRY];
  const GtxAccountInfo *destination = &in->accounts[REGISTRY_IX_SETTLE_BALANCE_OWNER_TOKEN_ACCOUNT];
  const GtxAccountInfo *mint = &in->accounts[REGISTRY_IX_SETTLE_BALANCE_GRID_MINT];
  const GtxAccountInfo *authority = &in->accounts[REGISTRY_IX_SETTLE_BALANCE_MINT_AUTHORITY];
  const GtxAccountInfo *token_program = &in->accounts[REGISTRY_IX_SETTLE_BALANCE_TOKEN_PROGRAM];
  const GtxAccountInfo *energy_token = &in->accounts[REGISTRY_IX_SETTLE_BALANCE_ENERGY_TOKEN_PROGRAM];
  /* 2. no signer: the fee payer may be anyone. 3. writable */
  GTX_REQUIRE(meter->is_writable && destination->is_writable && mint->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. programs: the CPI goes to the real Energy Token (our PDA signs it) and the real SPL Token */
  GTX_REQUIRE(gtx_pubkey_eq(energy_token->key, &ENERGY_TOKEN_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_pubkey_eq(token_program->key, &GTX_TOKEN_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  /* 4-7. meter, user, registry: owner, size, discriminator, PDA */
  uint64_t err = registry_check_meter(in, meter);
  if (err) return err;
  err = registry_check_user(in, user);
  if (err) return err;
  err = registry_check_registry(in, registry);
  if (err) return err;
  /* Energy Token's fixed PDAs */
  GTX_REQUIRE(gtx_pubkey_eq(mint->key, &ENERGY_TOKEN_PDA_GRID_MINT), REGISTRY_ERR_INVALID_GRID_MINT);
  GTX_REQUIRE(gtx_pubkey_eq(authority->key, &ENERGY_TOKEN_PDA_MINT_AUTHORITY), REGISTRY_ERR_INVALID_MINT_AUTHORITY);
  uint8_t *d = meter->data;
  const GtxPubkey *owner = registry_meter_owner(d);
  GTX_REQUIRE(gtx_pubkey_eq(registry_user_wallet(user->data), owner), REGISTRY_ERR_OWNER_MISMATCH);
  /* The destination is the owner's associated token account for GRID (canonical bump), and it
   * exists: an initialised token account created by the ATA program for (owner, GRID). */
  GtxSlice ata_seeds[3] = {GTX_SEED_KEY(owner), GTX_SEED_KEY(&GTX_TOKEN_PROGRAM_ID),
                           GTX_SEED_KEY(&ENERGY_TOKEN_PDA_GRID_MINT)};
  GtxPubkey ata;
  uint8_t ata_bump;
  GTX_REQUIRE(gtx_pda_find_fast(ata_seeds, 3, &GTX_ASSOCIATED_TOKEN_PROGRAM_ID, &ata, &ata_bump) &&
                  gtx_pubkey_eq(&ata, destination->key) && gtx_is_owned_by(destination, &GTX_TOKEN_PROGRAM_ID) &&
                  destination->data_len == GTX_TOKEN_ACCOUNT_LEN,
              REGISTRY_ERR_INVALID_OWNER_TOKEN_ACCOUNT);
  /* 8. business rules */
  GTX_REQUIRE(registry_meter_get_status(d) == REGISTRY_ENUM_METER_STATUS_ACTIVE, REGISTRY_ERR_METER_NOT_ACTIVE);
  GTX_REQUIRE(registry_user_get_status(user->data) == REGISTRY_ENUM_USER_STATUS_ACTIVE, REGISTRY_ERR_USER_NOT_ACTIVE);
  uint64_t production = registry_meter_get_total_production(d);
  uint64_t consumption = registry_meter_get_total_consumption(d);
  uint64_t settled = registry_meter_get_settled_net_gen(d);
  uint64_t net = production > consumption ? production - consumption : 0;
  uint64_t amount = net > settled ? net - settled : 0;
  GTX_REQUIRE(amount > 0, REGISTRY_ERR_NOTHING_TO_SETTLE);
  /* 9. the tracker first (amount <= net - settled, so settled + amount = net: no overflow) ... */
  registry_meter_set_settled_net_gen(d, net);
  /* ... then the mint */
  err = registry_cpi_mint(in, amount);
  if (err) return err;
  /* 10. event */
  registry_emit_balance_settled(meter->key, owner, destination->key, amount, net);
  return GTX_SUCCESS;
}
