#include "voting.h"

/* Trading's set_market_params with the market's own config, fee destination and emergency
 * authority, one field replaced by the proposal's value; the Governance PDA signs as the params
 * authority. Out of line: the CPI structs need their own stack frame. */
static __attribute__((noinline)) uint64_t governance_cpi_set_market_params(const GtxInput *in, uint8_t kind,
                                                                           uint64_t value) {
  const GtxAccountInfo *a = in->accounts;
  const GtxAccountInfo *governance = &a[GOVERNANCE_IX_FINALIZE_PROPOSAL_GOVERNANCE];
  const GtxAccountInfo *market = &a[GOVERNANCE_IX_FINALIZE_PROPOSAL_MARKET];
  const GtxAccountInfo *fee_destination = &a[GOVERNANCE_IX_FINALIZE_PROPOSAL_FEE_DESTINATION];
  uint8_t *m = market->data;
  uint64_t min_order = trading_market_get_config_min_order_wh(m);
  uint16_t fee = trading_market_get_config_fee_bps(m), band = trading_market_get_config_price_band_bps(m);
  if (kind == GOVERNANCE_ENUM_PROPOSAL_KIND_FEE_BPS)
    fee = (uint16_t)value;
  else if (kind == GOVERNANCE_ENUM_PROPOSAL_KIND_PRICE_BAND_BPS)
    band = (uint16_t)value;
  else
    min_order = value;
  /* discriminator, MarketConfig (u64, u32, u16, u16), emergency_authority: borsh */
  uint8_t data[8 + 16 + 32];
  gtx_store_u64(data, TRADING_IX_SET_MARKET_PARAMS_DISC);
  gtx_store_u64(data + 8, min_order);
  gtx_store_u32(data + 16, trading_market_get_config_max_oracle_age_secs(m));
  gtx_store_u16(data + 20, fee);
  gtx_store_u16(data + 22, band);
  gtx_pubkey_copy((GtxPubkey *)(data + 24), trading_market_emergency_authority(m));
  /* In Trading's account order (its IDL): params_authority, market, fee_destination. */
  GtxAccountMeta metas[TRADING_IX_SET_MARKET_PARAMS_ACCOUNTS] = {
      {governance->key, false, true},
      {market->key, true, false},
      {fee_destination->key, false, false},
  };
  GtxAccountInfo infos[TRADING_IX_SET_MARKET_PARAMS_ACCOUNTS] = {*governance, *market, *fee_destination};
  GtxInstruction ix = {&TRADING_PROGRAM_ID, metas, TRADING_IX_SET_MARKET_PARAMS_ACCOUNTS, data, sizeof(data)};
  uint8_t bump = GOVERNANCE_PDA_GOVERNANCE_BUMP;
  GtxSlice seeds[2] = {GTX_SEED(GOVERNANCE_SEED_GOVERNANCE, sizeof(GOVERNANCE_SEED_GOVERNANCE)), GTX_SEED(&bump, 1)};
  GtxSigner signer = {seeds, 2};
  return gtx_invoke_signed(&ix, infos, TRADING_IX_SET_MARKET_PARAMS_ACCOUNTS, &signer, 1);
}

/// finalize_proposal: anyone closes a proposal once its voting has ended (now >= voting_ends_at),
/// once. Fewer than quorum_weight Wh voted (for + against + abstain) -> NoQuorum. Otherwise for >
/// against passes: a Signal becomes Passed; a parameter proposal executes, Trading's
/// set_market_params changing that one field, signed by the Governance PDA (which must by then be
/// the market's params authority: until it is, finalize refuses and the proposal stays Voting),
/// and becomes Executed with previous_value the market's value just before. Anything else is
/// Rejected. Nothing but an Executed proposal touches the market.
///
/// Accounts:
///   0. [writable] proposal - PDA ["proposal", id LE]
///   1. [] governance - PDA ["governance"]; signs the CPI
///   2. [writable] market - Trading's PDA ["market"]
///   3. [] fee_destination - the market's fee destination
///   4. [] trading_program - Trading
uint64_t governance_finalize_proposal(const GtxInput *in) {
  GTX_REQUIRE(governance_finalize_proposal_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= GOVERNANCE_IX_FINALIZE_PROPOSAL_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *proposal = &in->accounts[GOVERNANCE_IX_FINALIZE_PROPOSAL_PROPOSAL];
  const GtxAccountInfo *governance = &in->accounts[GOVERNANCE_IX_FINALIZE_PROPOSAL_GOVERNANCE];
  const GtxAccountInfo *market = &in->accounts[GOVERNANCE_IX_FINALIZE_PROPOSAL_MARKET];
  const GtxAccountInfo *fee_destination = &in->accounts[GOVERNANCE_IX_FINALIZE_PROPOSAL_FEE_DESTINATION];
  const GtxAccountInfo *trading = &in->accounts[GOVERNANCE_IX_FINALIZE_PROPOSAL_TRADING_PROGRAM];
  /* 2. no signer: anyone may finalize. 3. writable */
  GTX_REQUIRE(proposal->is_writable && market->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. the CPI goes to the real Trading */
  GTX_REQUIRE(gtx_pubkey_eq(trading->key, &TRADING_PROGRAM_ID), GOVERNANCE_ERR_INVALID_TRADING_PROGRAM);
  /* 4-7. proposal, governance, market */
  uint64_t err = governance_check_proposal(in, proposal);
  if (err) return err;
  err = governance_check_governance(in, governance);
  if (err) return err;
  err = governance_check_market(market);
  if (err) return err;
  /* 8. once, after the end */
  uint8_t *p = proposal->data;
  GTX_REQUIRE(governance_proposal_get_status(p) == GOVERNANCE_ENUM_PROPOSAL_STATUS_VOTING,
              GOVERNANCE_ERR_ALREADY_FINALIZED);
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), GOVERNANCE_ERR_CLOCK_UNAVAILABLE);
  GTX_REQUIRE(clock.unix_timestamp >= governance_proposal_get_voting_ends_at(p), GOVERNANCE_ERR_VOTING_NOT_ENDED);
  uint64_t for_w = governance_proposal_get_for_weight(p), against_w = governance_proposal_get_against_weight(p);
  uint64_t total;
  GTX_REQUIRE(gtx_add(for_w, against_w, &total) && gtx_add(total, governance_proposal_get_abstain_weight(p), &total),
              GOVERNANCE_ERR_MATH_OVERFLOW);
  uint8_t kind = governance_proposal_get_kind(p);
  uint8_t status;
  uint64_t previous = governance_proposal_get_previous_value(p);
  if (total < governance_proposal_get_quorum_weight(p)) {
    status = GOVERNANCE_ENUM_PROPOSAL_STATUS_NO_QUORUM;
  } else if (for_w <= against_w) {
    status = GOVERNANCE_ENUM_PROPOSAL_STATUS_REJECTED;
  } else if (kind == GOVERNANCE_ENUM_PROPOSAL_KIND_SIGNAL) {
    status = GOVERNANCE_ENUM_PROPOSAL_STATUS_PASSED;
  } else {
    /* execution: Governance holds the market, and the destination is the market's own */
    const uint8_t *m = market->data;
    GTX_REQUIRE(gtx_pubkey_eq(trading_market_params_authority((uint8_t *)m), &GOVERNANCE_PDA_GOVERNANCE),
                GOVERNANCE_ERR_NOT_MARKET_AUTHORITY);
    GTX_REQUIRE(gtx_pubkey_eq(fee_destination->key, trading_market_fee_destination((uint8_t *)m)),
                GTX_E_CONSTRAINT_ADDRESS);
    status = GOVERNANCE_ENUM_PROPOSAL_STATUS_EXECUTED;
    previous = governance_market_value(m, kind);
  }
  /* 9. the outcome first, then the market (a failed CPI undoes both) */
  governance_proposal_set_status(p, status);
  governance_proposal_set_previous_value(p, previous);
  if (status == GOVERNANCE_ENUM_PROPOSAL_STATUS_EXECUTED) {
    err = governance_cpi_set_market_params(in, kind, governance_proposal_get_value(p));
    if (err) return err;
  }
  /* 10. event */
  governance_emit_proposal_finalized(proposal->key, governance_proposal_get_id(p), kind, status,
                                     governance_proposal_get_value(p), previous, for_w, against_w,
                                     governance_proposal_get_abstain_weight(p), governance_proposal_get_quorum_weight(p));
  return GTX_SUCCESS;
}
