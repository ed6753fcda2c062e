#include "voting.h"

/// accept_market_authority: anyone completes the hand-over of the market to Governance once its
/// params authority proposed the Governance PDA (Trading's transfer_params_authority): Trading's
/// accept_params_authority, signed by the Governance PDA. Trading refuses unless Governance is the
/// pending authority.
///
/// Accounts:
///   0. [] governance - PDA ["governance"]; signs the CPI
///   1. [writable] market - Trading's PDA ["market"]
///   2. [] trading_program - Trading
uint64_t governance_accept_market_authority(const GtxInput *in) {
  GTX_REQUIRE(governance_accept_market_authority_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= GOVERNANCE_IX_ACCEPT_MARKET_AUTHORITY_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *governance = &in->accounts[GOVERNANCE_IX_ACCEPT_MARKET_AUTHORITY_GOVERNANCE];
  const GtxAccountInfo *market = &in->accounts[GOVERNANCE_IX_ACCEPT_MARKET_AUTHORITY_MARKET];
  const GtxAccountInfo *trading = &in->accounts[GOVERNANCE_IX_ACCEPT_MARKET_AUTHORITY_TRADING_PROGRAM];
  /* 3. writable */
  GTX_REQUIRE(market->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. the CPI goes to the real Trading */
  GTX_REQUIRE(gtx_pubkey_eq(trading->key, &TRADING_PROGRAM_ID), GOVERNANCE_ERR_INVALID_TRADING_PROGRAM);
  /* 4-7. governance, market */
  uint64_t err = governance_check_governance(in, governance);
  if (err) return err;
  err = governance_check_market(market);
  if (err) return err;
  /* 9. the CPI (Trading checks the pending authority and emits ParamsAuthorityTransferred) */
  uint64_t data = TRADING_IX_ACCEPT_PARAMS_AUTHORITY_DISC;
  GtxAccountMeta metas[TRADING_IX_ACCEPT_PARAMS_AUTHORITY_ACCOUNTS] = {
      {governance->key, false, true},
      {market->key, true, false},
  };
  GtxAccountInfo infos[TRADING_IX_ACCEPT_PARAMS_AUTHORITY_ACCOUNTS] = {*governance, *market};
  GtxInstruction ix = {&TRADING_PROGRAM_ID, metas, TRADING_IX_ACCEPT_PARAMS_AUTHORITY_ACCOUNTS,
                       (const uint8_t *)&data, sizeof(data)};
  uint8_t bump = GOVERNANCE_PDA_GOVERNANCE_BUMP;
  GtxSlice seeds[2] = {GTX_SEED(GOVERNANCE_SEED_GOVERNANCE, sizeof(GOVERNANCE_SEED_GOVERNANCE)), GTX_SEED(&bump, 1)};
  GtxSigner signer = {seeds, 2};
  err = gtx_invoke_signed(&ix, infos, TRADING_IX_ACCEPT_PARAMS_AUTHORITY_ACCOUNTS, &signer, 1);
  if (err) return err;
  /* 10. event */
  governance_emit_market_authority_accepted(governance->key, market->key);
  return GTX_SUCCESS;
}
