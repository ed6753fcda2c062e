/*
 * Governance program: shared declarations and small inline helpers.
 *
 * State: the Governance PDA ["governance"] (the ERC issuer authority, the voting config, the
 * proposal counter; it also signs every CPI Governance makes), Certificate PDAs (issued
 * ["certificate", meter, id LE], split ["certificate_split", parent, index LE], delivered
 * ["certificate_fill", source, buy_order]), Retirement PDAs ["retirement", certificate, index LE],
 * Proposal PDAs ["proposal", id LE] and Vote PDAs ["vote", proposal, voter]. The accounts are laid
 * out exactly as their borsh encoding (<gen/governance.h> gives the offsets) and read and written
 * in place: no C struct mirrors an account.
 *
 * All volumes are Wh (u64); times are unix seconds (i64) from the Clock sysvar.
 */
#ifndef GOVERNANCE_H
#define GOVERNANCE_H

#include <gen/governance.h>
#include <gen/registry.h>
#include <gen/trading.h>
#include <gtx/pda_fast.h>

static const uint8_t GOVERNANCE_SEED_GOVERNANCE[GOVERNANCE_CONST_GOVERNANCE_SEED_LEN] = GOVERNANCE_CONST_GOVERNANCE_SEED_BYTES;
static const uint8_t GOVERNANCE_SEED_CERTIFICATE[GOVERNANCE_CONST_CERTIFICATE_SEED_LEN] = GOVERNANCE_CONST_CERTIFICATE_SEED_BYTES;
static const uint8_t GOVERNANCE_SEED_CERTIFICATE_SPLIT[GOVERNANCE_CONST_CERTIFICATE_SPLIT_SEED_LEN] =
    GOVERNANCE_CONST_CERTIFICATE_SPLIT_SEED_BYTES;
static const uint8_t GOVERNANCE_SEED_CERTIFICATE_FILL[GOVERNANCE_CONST_CERTIFICATE_FILL_SEED_LEN] =
    GOVERNANCE_CONST_CERTIFICATE_FILL_SEED_BYTES;
static const uint8_t GOVERNANCE_SEED_RETIREMENT[GOVERNANCE_CONST_RETIREMENT_SEED_LEN] = GOVERNANCE_CONST_RETIREMENT_SEED_BYTES;
static const uint8_t GOVERNANCE_SEED_PROPOSAL[GOVERNANCE_CONST_PROPOSAL_SEED_LEN] = GOVERNANCE_CONST_PROPOSAL_SEED_BYTES;
static const uint8_t GOVERNANCE_SEED_VOTE[GOVERNANCE_CONST_VOTE_SEED_LEN] = GOVERNANCE_CONST_VOTE_SEED_BYTES;

/* The Governance PDA as a CPI signer: seeds ["governance", bump] (a build-time constant). `bump`
 * must live as long as the signer. */
#define GOVERNANCE_PDA_SIGNER(name, bump_var)                                                                 \
  uint8_t bump_var = GOVERNANCE_PDA_GOVERNANCE_BUMP;                                                          \
  GtxSlice name##_seeds[2] = {GTX_SEED(GOVERNANCE_SEED_GOVERNANCE, sizeof(GOVERNANCE_SEED_GOVERNANCE)),       \
                              GTX_SEED(&bump_var, 1)};                                                        \
  GtxSigner name = {name##_seeds, 2}

/* Seeds of a certificate of `kind` plus, when given, the bump:
 *   Issued ["certificate", meter, id LE]; Split ["certificate_split", parent, index LE];
 *   Fill ["certificate_fill", parent, buy_order]. `key` is the meter (Issued) or the parent,
 * `tail` the 8 id bytes (Issued), the 4 index bytes (Split) or the buy order's 32 bytes (Fill). */
GTX_INLINE uint64_t governance_certificate_seeds(GtxSlice seeds[4], uint8_t kind, const GtxPubkey *key,
                                                 const uint8_t *tail, const uint8_t *bump) {
  if (kind == GOVERNANCE_ENUM_CERTIFICATE_KIND_ISSUED) {
    seeds[0] = GTX_SEED(GOVERNANCE_SEED_CERTIFICATE, sizeof(GOVERNANCE_SEED_CERTIFICATE));
    seeds[2] = GTX_SEED(tail, 8);
  } else if (kind == GOVERNANCE_ENUM_CERTIFICATE_KIND_SPLIT) {
    seeds[0] = GTX_SEED(GOVERNANCE_SEED_CERTIFICATE_SPLIT, sizeof(GOVERNANCE_SEED_CERTIFICATE_SPLIT));
    seeds[2] = GTX_SEED(tail, 4);
  } else {
    seeds[0] = GTX_SEED(GOVERNANCE_SEED_CERTIFICATE_FILL, sizeof(GOVERNANCE_SEED_CERTIFICATE_FILL));
    seeds[2] = GTX_SEED(tail, 32);
  }
  seeds[1] = GTX_SEED(key->x, 32);
  if (!bump) return 3;
  seeds[3] = GTX_SEED(bump, 1);
  return 4;
}

/* Seeds ["retirement", certificate, index LE] plus, when given, the bump. */
GTX_INLINE uint64_t governance_retirement_seeds(GtxSlice seeds[4], const GtxPubkey *certificate, const uint8_t *index_le,
                                                const uint8_t *bump) {
  seeds[0] = GTX_SEED(GOVERNANCE_SEED_RETIREMENT, sizeof(GOVERNANCE_SEED_RETIREMENT));
  seeds[1] = GTX_SEED(certificate->x, 32);
  seeds[2] = GTX_SEED(index_le, 4);
  if (!bump) return 3;
  seeds[3] = GTX_SEED(bump, 1);
  return 4;
}

GTX_INLINE void governance_pubkey_clear(GtxPubkey *k) {
  gtx_store_u64(k->x, 0);
  gtx_store_u64(k->x + 8, 0);
  gtx_store_u64(k->x + 16, 0);
  gtx_store_u64(k->x + 24, 0);
}

/* After a CPI that allocated `a`, the runtime has written the new length into the serialized input
 * (the u64 just before the data) but not into our copy of the info: refresh it before reading. */
GTX_INLINE void governance_refresh_data_len(const GtxAccountInfo *a) {
  ((GtxAccountInfo *)a)->data_len = gtx_load_u64(a->data - 8);
}

/* Free volume: volume - retired - locked (never negative: every write keeps retired + locked <= volume). */
GTX_INLINE bool governance_certificate_free(const uint8_t *d, uint64_t *out) {
  uint64_t used;
  return gtx_add(governance_certificate_get_retired_wh(d), governance_certificate_get_locked_wh(d), &used) &&
         gtx_sub(governance_certificate_get_volume_wh(d), used, out);
}

/* A Trading order: owned by the Trading program with its Order discriminator. Not the exact size:
 * Trading's Order grows with green orders, and Trading's market PDA, which must sign every
 * instruction that names an order, vouches for it; only the owner field (offset 40, fixed since the
 * first layout) is read. */
GTX_INLINE bool governance_is_trading_order(const GtxAccountInfo *order) {
  return gtx_is_owned_by(order, &TRADING_PROGRAM_ID) &&
         order->data_len >= TRADING_ACCOUNT_ORDER_OWNER_OFF + sizeof(GtxPubkey) &&
         gtx_disc_is(order->data, TRADING_ACCOUNT_ORDER_DISC);
}
GTX_INLINE const GtxPubkey *governance_order_owner(const GtxAccountInfo *order) {
  return (const GtxPubkey *)(order->data + TRADING_ACCOUNT_ORDER_OWNER_OFF);
}

/* accounts.c */
uint64_t governance_check_config(const GovernanceGovernanceConfig *c);
GTX_INLINE void governance_write_config(uint8_t *d, const GovernanceGovernanceConfig *c) {
  governance_governance_set_config_min_voting_secs(d, c->min_voting_secs);
  governance_governance_set_config_max_voting_secs(d, c->max_voting_secs);
  governance_governance_set_config_quorum_bps(d, c->quorum_bps);
}
uint64_t governance_check_governance(const GtxInput *in, const GtxAccountInfo *governance);
uint64_t governance_check_certificate(const GtxInput *in, const GtxAccountInfo *certificate);
uint64_t governance_check_new_account(const GtxAccountInfo *account);
uint64_t governance_admin(const GtxInput *in, const GtxAccountInfo **governance_out);
uint64_t governance_certificate_authority(const GtxInput *in, const GtxAccountInfo **certificate_out);
uint64_t governance_create_pda(const GtxAccountInfo *payer, const GtxAccountInfo *account, uint64_t space,
                               const GtxSlice *seeds, uint64_t n_seeds);
/* The fields a derived certificate (split or fill) copies from its parent: meter, origin, period,
 * zone, type and status; parent = `parent_key`. The caller writes owner, volume, kind, id / buy
 * order, issued_at and bump. */
void governance_copy_provenance(uint8_t *child, const uint8_t *parent, const GtxPubkey *parent_key);

#endif
