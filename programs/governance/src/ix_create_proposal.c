#include "voting.h"

/* The value a proposal of `kind` may propose: one Trading's set_market_params accepts, so that a
 * passed proposal can always execute. */
static uint64_t governance_check_value(uint8_t kind, uint64_t value) {
  if (kind == GOVERNANCE_ENUM_PROPOSAL_KIND_FEE_BPS)
    GTX_REQUIRE(value <= TRADING_CONST_MAX_FEE_BPS, GOVERNANCE_ERR_INVALID_PROPOSAL_VALUE);
  else if (kind == GOVERNANCE_ENUM_PROPOSAL_KIND_PRICE_BAND_BPS)
    GTX_REQUIRE(value >= 1 && value <= TRADING_CONST_MAX_PRICE_BAND_BPS, GOVERNANCE_ERR_INVALID_PROPOSAL_VALUE);
  else if (kind == GOVERNANCE_ENUM_PROPOSAL_KIND_MIN_ORDER_WH)
    GTX_REQUIRE(value >= 1, GOVERNANCE_ERR_INVALID_PROPOSAL_VALUE);
  else
    GTX_REQUIRE(value == 0, GOVERNANCE_ERR_INVALID_PROPOSAL_VALUE);
  return GTX_SUCCESS;
}

/* Creates the Proposal PDA ["proposal", id LE] with its canonical bump, the payer paying the
 * rent. Out of line: the CPI structs need their own stack frame. */
static __attribute__((noinline)) uint64_t governance_open_proposal(const GtxInput *in, const uint8_t *id_le,
                                                                   uint8_t bump) {
  const GtxAccountInfo *a = in->accounts;
  const GtxAccountInfo *proposal = &a[GOVERNANCE_IX_CREATE_PROPOSAL_PROPOSAL];
  GtxSlice seeds[3];
  uint64_t n = governance_proposal_seeds(seeds, id_le, &bump);
  GtxSigner signer = {seeds, n};
  uint64_t err = gtx_init_pda_account(&a[GOVERNANCE_IX_CREATE_PROPOSAL_PAYER], proposal,
                                      GOVERNANCE_ACCOUNT_PROPOSAL_LEN, in->program_id, &signer);
  if (err) return err;
  governance_refresh_data_len(proposal);
  return GTX_SUCCESS;
}

/// create_proposal(kind, value, description_hash, voting_ends_at): a registered, Active prosumer
/// opens proposal number governance.proposal_count. A parameter proposal (FeeBps, PriceBandBps,
/// MinOrderWh) proposes a value Trading accepts, recorded next to the market's current one; a
/// Signal proposes 0 and only records the outcome. Voting lasts min_voting_secs..=max_voting_secs
/// of the config. The quorum is fixed now: ceil(Registry total_production * quorum_bps / 10,000)
/// Wh of vote weight, at least 1.
///
/// Accounts:
///   0. [writable, signer] payer - pays the proposal's rent
///   1. [signer] proposer
///   2. [] user - the proposer's Registry User (a prosumer, Active)
///   3. [writable] governance - PDA ["governance"]
///   4. [writable] proposal - PDA ["proposal", governance.proposal_count LE]; must not exist
///   5. [] registry - the Registry PDA ["registry"] (total production)
///   6. [] market - Trading's PDA ["market"] (the current value)
///   7. [] system_program
uint64_t governance_create_proposal(const GtxInput *in) {
  GovernanceCreateProposalArgs args;
  GTX_REQUIRE(governance_create_proposal_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= GOVERNANCE_IX_CREATE_PROPOSAL_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *payer = &in->accounts[GOVERNANCE_IX_CREATE_PROPOSAL_PAYER];
  const GtxAccountInfo *proposer = &in->accounts[GOVERNANCE_IX_CREATE_PROPOSAL_PROPOSER];
  const GtxAccountInfo *user = &in->accounts[GOVERNANCE_IX_CREATE_PROPOSAL_USER];
  const GtxAccountInfo *governance = &in->accounts[GOVERNANCE_IX_CREATE_PROPOSAL_GOVERNANCE];
  const GtxAccountInfo *proposal = &in->accounts[GOVERNANCE_IX_CREATE_PROPOSAL_PROPOSAL];
  const GtxAccountInfo *registry = &in->accounts[GOVERNANCE_IX_CREATE_PROPOSAL_REGISTRY];
  const GtxAccountInfo *market = &in->accounts[GOVERNANCE_IX_CREATE_PROPOSAL_MARKET];
  const GtxAccountInfo *system = &in->accounts[GOVERNANCE_IX_CREATE_PROPOSAL_SYSTEM_PROGRAM];
  /* 2. signers, 3. writable */
  GTX_REQUIRE(payer->is_signer && proposer->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(payer->is_writable && governance->is_writable && proposal->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. programs and owners; the new proposal still belongs to the System program */
  GTX_REQUIRE(gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(gtx_is_owned_by(proposal, &GTX_SYSTEM_PROGRAM_ID), GTX_E_ACCOUNT_NOT_SYSTEM_OWNED);
  /* 5. size: nothing allocated yet */
  GTX_REQUIRE(proposal->data_len == 0, GTX_E_CONSTRAINT_SPACE);
  /* 4-7. the governance, the Registry's registry, Trading's market (the user: step 8) */
  uint64_t err = governance_check_governance(in, governance);
  if (err) return err;
  err = governance_check_registry(registry);
  if (err) return err;
  err = governance_check_market(market);
  if (err) return err;
  /* 7. the proposal PDA for the next id: canonical bump */
  uint8_t *g = governance->data;
  uint64_t id = governance_governance_get_proposal_count(g), next;
  GTX_REQUIRE(gtx_add(id, 1, &next), GOVERNANCE_ERR_MATH_OVERFLOW);
  uint8_t id_le[8];
  gtx_store_u64(id_le, id);
  GtxSlice seeds[3];
  uint64_t n = governance_proposal_seeds(seeds, id_le, NULL);
  GtxPubkey expected;
  uint8_t bump;
  GTX_REQUIRE(gtx_pda_find_fast(seeds, n, in->program_id, &expected, &bump) && gtx_pubkey_eq(&expected, proposal->key),
              GTX_E_CONSTRAINT_SEEDS);
  /* 8. who proposes (a registered, Active prosumer), what, for how long */
  err = governance_check_proposer(user, proposer->key);
  if (err) return err;
  err = governance_check_value(args.kind, args.value);
  if (err) return err;
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), GOVERNANCE_ERR_CLOCK_UNAVAILABLE);
  int64_t now = clock.unix_timestamp;
  /* the period as a difference of two i64 (no overflow: both sides checked first) */
  GTX_REQUIRE(args.voting_ends_at > now, GOVERNANCE_ERR_VOTING_PERIOD_TOO_SHORT);
  uint64_t period = (uint64_t)args.voting_ends_at - (uint64_t)now;
  GTX_REQUIRE(period >= governance_governance_get_config_min_voting_secs(g), GOVERNANCE_ERR_VOTING_PERIOD_TOO_SHORT);
  GTX_REQUIRE(period <= governance_governance_get_config_max_voting_secs(g), GOVERNANCE_ERR_VOTING_PERIOD_TOO_LONG);
  uint64_t quorum;
  GTX_REQUIRE(gtx_mul_div(registry_registry_get_total_production(registry->data),
                          governance_governance_get_config_quorum_bps(g), GOVERNANCE_CONST_BPS_DENOMINATOR, GTX_ROUND_UP,
                          &quorum),
              GOVERNANCE_ERR_MATH_OVERFLOW);
  if (quorum == 0) quorum = 1;
  uint64_t previous = governance_market_value(market->data, args.kind);
  /* 9. the proposal, then the count */
  err = governance_open_proposal(in, id_le, bump);
  if (err) return err;
  uint8_t *p = proposal->data;
  gtx_disc_write(p, GOVERNANCE_ACCOUNT_PROPOSAL_DISC);
  gtx_pubkey_copy(governance_proposal_proposer(p), proposer->key);
  governance_proposal_set_id(p, id);
  governance_proposal_set_kind(p, args.kind);
  governance_proposal_set_value(p, args.value);
  governance_proposal_set_previous_value(p, previous);
  gtx_memcpy(governance_proposal_description_hash(p), args.description_hash, 32);
  governance_proposal_set_created_at(p, now);
  governance_proposal_set_voting_ends_at(p, args.voting_ends_at);
  governance_proposal_set_quorum_weight(p, quorum);
  governance_proposal_set_status(p, GOVERNANCE_ENUM_PROPOSAL_STATUS_VOTING);
  governance_proposal_set_bump(p, bump);
  governance_governance_set_proposal_count(g, next);
  /* 10. event */
  governance_emit_proposal_created(proposal->key, proposer->key, id, args.kind, args.value, previous,
                                   args.description_hash, now, args.voting_ends_at, quorum);
  return GTX_SUCCESS;
}
