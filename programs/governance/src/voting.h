/*
 * Governance voting: the seeds and account checks shared by create_proposal, cast_vote,
 * finalize_proposal and accept_market_authority (voting.c). Proposal PDA ["proposal", id LE], Vote
 * PDA ["vote", proposal, voter]; the Registry's User, Meter and Registry accounts and Trading's
 * Market are read in place at the offsets of <gen/registry.h> and <gen/trading.h>.
 */
#ifndef GOVERNANCE_VOTING_H
#define GOVERNANCE_VOTING_H

#include "governance.h"

/* Seeds ["proposal", id LE] plus, when given, the bump. `id_le` points at the 8 little-endian bytes. */
GTX_INLINE uint64_t governance_proposal_seeds(GtxSlice seeds[3], const uint8_t *id_le, const uint8_t *bump) {
  seeds[0] = GTX_SEED(GOVERNANCE_SEED_PROPOSAL, sizeof(GOVERNANCE_SEED_PROPOSAL));
  seeds[1] = GTX_SEED(id_le, 8);
  if (!bump) return 2;
  seeds[2] = GTX_SEED(bump, 1);
  return 3;
}

/* Seeds ["vote", proposal, voter] plus, when given, the bump. */
GTX_INLINE uint64_t governance_vote_seeds(GtxSlice seeds[4], const GtxPubkey *proposal, const GtxPubkey *voter,
                                          const uint8_t *bump) {
  seeds[0] = GTX_SEED(GOVERNANCE_SEED_VOTE, sizeof(GOVERNANCE_SEED_VOTE));
  seeds[1] = GTX_SEED(proposal->x, 32);
  seeds[2] = GTX_SEED(voter->x, 32);
  if (!bump) return 3;
  seeds[3] = GTX_SEED(bump, 1);
  return 4;
}

/* voting.c */
uint64_t governance_check_proposal(const GtxInput *in, const GtxAccountInfo *proposal);
uint64_t governance_check_proposer(const GtxAccountInfo *user, const GtxPubkey *proposer);
uint64_t governance_check_registry(const GtxAccountInfo *registry);
uint64_t governance_check_market(const GtxAccountInfo *market);
uint64_t governance_market_value(const uint8_t *market, uint8_t kind);

#endif
