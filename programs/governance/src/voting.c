#include "voting.h"

/* Steps 4-7 for a Proposal: owner, exact size, discriminator, and the PDA re-derived from its
 * stored id and bump (one sha256). */
uint64_t governance_check_proposal(const GtxInput *in, const GtxAccountInfo *proposal) {
  GTX_REQUIRE(gtx_is_owned_by(proposal, in->program_id), GTX_E_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  GTX_REQUIRE(proposal->data_len == GOVERNANCE_ACCOUNT_PROPOSAL_LEN, GTX_E_ACCOUNT_DID_NOT_DESERIALIZE);
  uint8_t *d = proposal->data;
  GTX_REQUIRE(gtx_disc_is(d, GOVERNANCE_ACCOUNT_PROPOSAL_DISC), GTX_E_ACCOUNT_DISCRIMINATOR_MISMATCH);
  GtxSlice seeds[3];
  uint64_t n = governance_proposal_seeds(seeds, d + GOVERNANCE_ACCOUNT_PROPOSAL_ID_OFF, d + GOVERNANCE_ACCOUNT_PROPOSAL_BUMP_OFF);
  GTX_REQUIRE(gtx_pda_verify(seeds, n, in->program_id, proposal->key), GTX_E_CONSTRAINT_SEEDS);
  return GTX_SUCCESS;
}

/* The proposer's Registry User: an account of the Registry program with the User layout whose
 * wallet is the proposer (the Registry writes that field only at ["user", wallet], so no hash is
 * needed), a prosumer, Active. Anything else - no account (an unregistered wallet), another
 * wallet's user, a consumer, a suspended user - is NotProsumer. */
uint64_t governance_check_proposer(const GtxAccountInfo *user, const GtxPubkey *proposer) {
  const uint8_t *u = user->data;
  GTX_REQUIRE(gtx_is_owned_by(user, &REGISTRY_PROGRAM_ID) && user->data_len == REGISTRY_ACCOUNT_USER_LEN &&
                  gtx_disc_is(u, REGISTRY_ACCOUNT_USER_DISC) && gtx_pubkey_eq(registry_user_wallet((uint8_t *)u), proposer) &&
                  registry_user_get_user_type(u) == REGISTRY_ENUM_USER_TYPE_PROSUMER &&
                  registry_user_get_status(u) == REGISTRY_ENUM_USER_STATUS_ACTIVE,
              GOVERNANCE_ERR_NOT_PROSUMER);
  return GTX_SUCCESS;
}

/* The Registry PDA ["registry"] (a build-time constant) of the Registry program, its exact layout. */
uint64_t governance_check_registry(const GtxAccountInfo *registry) {
  GTX_REQUIRE(gtx_pubkey_eq(registry->key, &REGISTRY_PDA_REGISTRY) && gtx_is_owned_by(registry, &REGISTRY_PROGRAM_ID) &&
                  registry->data_len == REGISTRY_ACCOUNT_REGISTRY_LEN &&
                  gtx_disc_is(registry->data, REGISTRY_ACCOUNT_REGISTRY_DISC),
              GOVERNANCE_ERR_INVALID_REGISTRY);
  return GTX_SUCCESS;
}

/* Trading's Market PDA ["market"] (a build-time constant) of the Trading program, its exact layout. */
uint64_t governance_check_market(const GtxAccountInfo *market) {
  GTX_REQUIRE(gtx_pubkey_eq(market->key, &TRADING_PDA_MARKET) && gtx_is_owned_by(market, &TRADING_PROGRAM_ID) &&
                  market->data_len == TRADING_ACCOUNT_MARKET_LEN && gtx_disc_is(market->data, TRADING_ACCOUNT_MARKET_DISC),
              GOVERNANCE_ERR_INVALID_MARKET);
  return GTX_SUCCESS;
}

/* The market's current value of what a proposal of `kind` changes (0 for a signal). */
uint64_t governance_market_value(const uint8_t *market, uint8_t kind) {
  if (kind == GOVERNANCE_ENUM_PROPOSAL_KIND_FEE_BPS) return trading_market_get_config_fee_bps(market);
  if (kind == GOVERNANCE_ENUM_PROPOSAL_KIND_PRICE_BAND_BPS) return trading_market_get_config_price_band_bps(market);
  if (kind == GOVERNANCE_ENUM_PROPOSAL_KIND_MIN_ORDER_WH) return trading_market_get_config_min_order_wh(market);
  return 0;
}
