#include "voting.h"

/* Creates the Vote PDA ["vote", proposal, voter] with its canonical bump, the payer paying the
 * rent. Out of line: the CPI structs need their own stack frame. */
static __attribute__((noinline)) uint64_t governance_open_vote(const GtxInput *in, uint8_t bump) {
  const GtxAccountInfo *a = in->accounts;
  const GtxAccountInfo *vote = &a[GOVERNANCE_IX_CAST_VOTE_VOTE];
  GtxSlice seeds[4];
  uint64_t n = governance_vote_seeds(seeds, a[GOVERNANCE_IX_CAST_VOTE_PROPOSAL].key,
                                     a[GOVERNANCE_IX_CAST_VOTE_VOTER].key, &bump);
  GtxSigner signer = {seeds, n};
  uint64_t err = gtx_init_pda_account(&a[GOVERNANCE_IX_CAST_VOTE_PAYER], vote, GOVERNANCE_ACCOUNT_VOTE_LEN,
                                      in->program_id, &signer);
  if (err) return err;
  governance_refresh_data_len(vote);
  return GTX_SUCCESS;
}

/* The voter's weight: Σ total_production of the meter accounts after the fixed ones, each a
 * Registry Meter (owner program, exact size, discriminator) owned by the voter, Active, and
 * different from every other one passed. */
static uint64_t governance_vote_weight(const GtxInput *in, const GtxPubkey *voter, uint64_t *weight_out) {
  const GtxAccountInfo *meters = &in->accounts[GOVERNANCE_IX_CAST_VOTE_ACCOUNTS];
  uint64_t n = in->account_count - GOVERNANCE_IX_CAST_VOTE_ACCOUNTS;
  GTX_REQUIRE(n >= 1 && n <= GOVERNANCE_CONST_MAX_VOTE_METERS, GOVERNANCE_ERR_TOO_MANY_METERS);
  uint64_t weight = 0;
  for (uint64_t i = 0; i < n; i++) {
    const GtxAccountInfo *m = &meters[i];
    GTX_REQUIRE(gtx_is_owned_by(m, &REGISTRY_PROGRAM_ID) && m->data_len == REGISTRY_ACCOUNT_METER_LEN &&
                    gtx_disc_is(m->data, REGISTRY_ACCOUNT_METER_DISC),
                GOVERNANCE_ERR_INVALID_METER);
    GTX_REQUIRE(gtx_pubkey_eq(registry_meter_owner(m->data), voter), GOVERNANCE_ERR_METER_NOT_OWNED);
    GTX_REQUIRE(registry_meter_get_status(m->data) == REGISTRY_ENUM_METER_STATUS_ACTIVE,
                GOVERNANCE_ERR_METER_NOT_ACTIVE);
    for (uint64_t j = 0; j < i; j++)
      GTX_REQUIRE(!gtx_pubkey_eq(meters[j].key, m->key), GOVERNANCE_ERR_DUPLICATE_METER);
    GTX_REQUIRE(gtx_add(weight, registry_meter_get_total_production(m->data), &weight), GOVERNANCE_ERR_MATH_OVERFLOW);
  }
  GTX_REQUIRE(weight > 0, GOVERNANCE_ERR_NO_VOTING_WEIGHT);
  *weight_out = weight;
  return GTX_SUCCESS;
}

/// cast_vote(choice): the voter's one vote on a proposal still voting, weighted by the generation
/// its meters have verified (Σ total_production of 1..=MAX_VOTE_METERS distinct Active meters it
/// owns, passed after the fixed accounts). The Vote PDA ["vote", proposal, voter] is created here:
/// its existence is the one-vote rule, whichever meters a second attempt passes. A meter's owner
/// never changes in the Registry, so a meter counts for one voter only.
///
/// Accounts:
///   0. [writable, signer] payer - pays the vote's rent
///   1. [signer] voter
///   2. [writable] proposal - PDA ["proposal", id LE]
///   3. [writable] vote - PDA ["vote", proposal, voter]; must not exist
///   4. [] system_program
///   5.. [] meters - 1..=MAX_VOTE_METERS Registry Meters of the voter
uint64_t governance_cast_vote(const GtxInput *in) {
  GovernanceCastVoteArgs args;
  GTX_REQUIRE(governance_cast_vote_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count (the meters: governance_vote_weight) */
  GTX_REQUIRE(in->account_count >= GOVERNANCE_IX_CAST_VOTE_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *payer = &in->accounts[GOVERNANCE_IX_CAST_VOTE_PAYER];
  const GtxAccountInfo *voter = &in->accounts[GOVERNANCE_IX_CAST_VOTE_VOTER];
  const GtxAccountInfo *proposal = &in->accounts[GOVERNANCE_IX_CAST_VOTE_PROPOSAL];
  const GtxAccountInfo *vote = &in->accounts[GOVERNANCE_IX_CAST_VOTE_VOTE];
  const GtxAccountInfo *system = &in->accounts[GOVERNANCE_IX_CAST_VOTE_SYSTEM_PROGRAM];
  /* 2. signers, 3. writable */
  GTX_REQUIRE(payer->is_signer && voter->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(payer->is_writable && proposal->is_writable && vote->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4. programs and owners: an existing vote is this program's (a second vote) */
  GTX_REQUIRE(gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  GTX_REQUIRE(!gtx_is_owned_by(vote, in->program_id), GOVERNANCE_ERR_ALREADY_VOTED);
  GTX_REQUIRE(gtx_is_owned_by(vote, &GTX_SYSTEM_PROGRAM_ID), GTX_E_ACCOUNT_NOT_SYSTEM_OWNED);
  /* 5. size: nothing allocated yet */
  GTX_REQUIRE(vote->data_len == 0, GTX_E_CONSTRAINT_SPACE);
  /* 4-7. the proposal: owner, size, discriminator, PDA with its stored bump */
  uint64_t err = governance_check_proposal(in, proposal);
  if (err) return err;
  /* 7. the vote PDA: canonical bump (one address per proposal and voter) */
  GtxSlice seeds[4];
  uint64_t n = governance_vote_seeds(seeds, proposal->key, voter->key, NULL);
  GtxPubkey expected;
  uint8_t bump;
  GTX_REQUIRE(gtx_pda_find_fast(seeds, n, in->program_id, &expected, &bump) && gtx_pubkey_eq(&expected, vote->key),
              GTX_E_CONSTRAINT_SEEDS);
  /* 8. still voting, before the end; the weight */
  uint8_t *p = proposal->data;
  GtxClock clock;
  GTX_REQUIRE(gtx_get_clock(&clock), GOVERNANCE_ERR_CLOCK_UNAVAILABLE);
  GTX_REQUIRE(clock.unix_timestamp < governance_proposal_get_voting_ends_at(p), GOVERNANCE_ERR_VOTING_ENDED);
  /* (a finalized proposal has ended: this only guards the invariant) */
  GTX_REQUIRE(governance_proposal_get_status(p) == GOVERNANCE_ENUM_PROPOSAL_STATUS_VOTING,
              GOVERNANCE_ERR_ALREADY_FINALIZED);
  uint64_t weight;
  err = governance_vote_weight(in, voter->key, &weight);
  if (err) return err;
  uint64_t tally, voters;
  if (args.choice == GOVERNANCE_ENUM_VOTE_CHOICE_FOR) {
    GTX_REQUIRE(gtx_add(governance_proposal_get_for_weight(p), weight, &tally), GOVERNANCE_ERR_MATH_OVERFLOW);
  } else if (args.choice == GOVERNANCE_ENUM_VOTE_CHOICE_AGAINST) {
    GTX_REQUIRE(gtx_add(governance_proposal_get_against_weight(p), weight, &tally), GOVERNANCE_ERR_MATH_OVERFLOW);
  } else {
    GTX_REQUIRE(gtx_add(governance_proposal_get_abstain_weight(p), weight, &tally), GOVERNANCE_ERR_MATH_OVERFLOW);
  }
  GTX_REQUIRE(gtx_add(governance_proposal_get_voter_count(p), 1, &voters) && voters <= UINT32_MAX,
              GOVERNANCE_ERR_MATH_OVERFLOW);
  /* 9. the vote, then the tally */
  err = governance_open_vote(in, bump);
  if (err) return err;
  uint8_t *v = vote->data;
  gtx_disc_write(v, GOVERNANCE_ACCOUNT_VOTE_DISC);
  gtx_pubkey_copy(governance_vote_proposal(v), proposal->key);
  gtx_pubkey_copy(governance_vote_voter(v), voter->key);
  governance_vote_set_choice(v, args.choice);
  governance_vote_set_weight(v, weight);
  governance_vote_set_meter_count(v, (uint8_t)(in->account_count - GOVERNANCE_IX_CAST_VOTE_ACCOUNTS));
  governance_vote_set_cast_at(v, clock.unix_timestamp);
  governance_vote_set_bump(v, bump);
  if (args.choice == GOVERNANCE_ENUM_VOTE_CHOICE_FOR)
    governance_proposal_set_for_weight(p, tally);
  else if (args.choice == GOVERNANCE_ENUM_VOTE_CHOICE_AGAINST)
    governance_proposal_set_against_weight(p, tally);
  else
    governance_proposal_set_abstain_weight(p, tally);
  governance_proposal_set_voter_count(p, (uint32_t)voters);
  /* 10. event */
  governance_emit_vote_cast(proposal->key, vote->key, voter->key, args.choice, weight,
                            (uint8_t)(in->account_count - GOVERNANCE_IX_CAST_VOTE_ACCOUNTS),
                            governance_proposal_get_for_weight(p), governance_proposal_get_against_weight(p),
                            governance_proposal_get_abstain_weight(p));
  return GTX_SUCCESS;
}
