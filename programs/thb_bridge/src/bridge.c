#include "thb_bridge.h"

#include <gtx/system.h>
#include <gtx/token.h>

/* Steps 4-7 for the Bridge account: owner, exact size, discriminator, and its fixed address
 * (seeds ["bridge"] only, so the PDA is a build-time constant: no hash). */
uint64_t thb_bridge_check_bridge(const GtxInput *in, const GtxAccountInfo *bridge) {
  GTX_REQUIRE(gtx_is_owned_by(bridge, in->program_id), GTX_E_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  GTX_REQUIRE(bridge->data_len == THB_BRIDGE_ACCOUNT_BRIDGE_LEN, GTX_E_ACCOUNT_DID_NOT_DESERIALIZE);
  GTX_REQUIRE(gtx_disc_is(bridge->data, THB_BRIDGE_ACCOUNT_BRIDGE_DISC), GTX_E_ACCOUNT_DISCRIMINATOR_MISMATCH);
  GTX_REQUIRE(gtx_pubkey_eq(bridge->key, &THB_BRIDGE_PDA_BRIDGE), GTX_E_CONSTRAINT_SEEDS);
  return GTX_SUCCESS;
}

/// The common account checks of every admin-only instruction (pause, unpause, set_limits,
/// propose_attestors, transfer_admin), in the fixed order, ending with the has_one check.
///
/// Accounts:
///   0. [signer] admin - must be the bridge's stored admin
///   1. [writable] bridge - PDA ["bridge"]
uint64_t thb_bridge_admin_accounts(const GtxInput *in, const GtxAccountInfo **admin_out,
                                   const GtxAccountInfo **bridge_out) {
  /* 1. account count (every admin instruction has the same two accounts) */
  GTX_REQUIRE(in->account_count >= THB_BRIDGE_IX_PAUSE_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *admin = &in->accounts[THB_BRIDGE_IX_PAUSE_ADMIN];
  const GtxAccountInfo *bridge = &in->accounts[THB_BRIDGE_IX_PAUSE_BRIDGE];
  /* 2. signer, 3. writable */
  GTX_REQUIRE(admin->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(bridge->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. owner, size, discriminator, PDA */
  uint64_t err = thb_bridge_check_bridge(in, bridge);
  if (err) return err;
  /* 8. the signer is the stored admin */
  GTX_REQUIRE(gtx_pubkey_eq(thb_bridge_bridge_admin(bridge->data), admin->key), THB_BRIDGE_ERR_UNAUTHORIZED);
  *admin_out = admin;
  *bridge_out = bridge;
  return GTX_SUCCESS;
}

/* Steps 4-7 for an existing Withdrawal: owner, size, discriminator, and the PDA of its stored id
 * and bump (one sha256). */
uint64_t thb_bridge_check_withdrawal(const GtxInput *in, const GtxAccountInfo *withdrawal) {
  GTX_REQUIRE(gtx_is_owned_by(withdrawal, in->program_id), GTX_E_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  GTX_REQUIRE(withdrawal->data_len == THB_BRIDGE_ACCOUNT_WITHDRAWAL_LEN, GTX_E_ACCOUNT_DID_NOT_DESERIALIZE);
  uint8_t *d = withdrawal->data;
  GTX_REQUIRE(gtx_disc_is(d, THB_BRIDGE_ACCOUNT_WITHDRAWAL_DISC), GTX_E_ACCOUNT_DISCRIMINATOR_MISMATCH);
  GtxSlice seeds[3];
  uint64_t n = thb_bridge_withdrawal_seeds(seeds, d + THB_BRIDGE_ACCOUNT_WITHDRAWAL_WITHDRAWAL_ID_OFF,
                                           d + THB_BRIDGE_ACCOUNT_WITHDRAWAL_BUMP_OFF);
  GTX_REQUIRE(gtx_pda_verify(seeds, n, in->program_id, withdrawal->key), GTX_E_CONSTRAINT_SEEDS);
  return GTX_SUCCESS;
}

/* A THBC token account of `owner`: owned by the Token program, 165 bytes, initialised, of the
 * bridge's THBC mint (WrongMint otherwise) and owned by `owner` (WrongRecipient for a deposit's
 * recipient, WrongHolder for a withdrawal's holder). */
uint64_t thb_bridge_check_thbc_account(const GtxAccountInfo *token, const GtxPubkey *owner, bool recipient) {
  GTX_REQUIRE(gtx_is_owned_by(token, &GTX_TOKEN_PROGRAM_ID), GTX_E_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  GTX_REQUIRE(token->data_len == GTX_TOKEN_ACCOUNT_LEN, GTX_E_ACCOUNT_DID_NOT_DESERIALIZE);
  GTX_REQUIRE(gtx_token_account_state(token->data) == 1, GTX_E_ACCOUNT_NOT_INITIALIZED);
  GTX_REQUIRE(gtx_pubkey_eq(gtx_token_account_mint(token->data), &THB_BRIDGE_PDA_THBC_MINT), THB_BRIDGE_ERR_WRONG_MINT);
  if (!gtx_pubkey_eq(gtx_token_account_owner(token->data), owner))
    return recipient ? GTX_FAIL(THB_BRIDGE_ERR_WRONG_RECIPIENT) : GTX_FAIL(THB_BRIDGE_ERR_WRONG_HOLDER);
  return GTX_SUCCESS;
}

/* 1 <= count <= MAX_ATTESTORS, 1 <= threshold <= count, the first `count` keys non-zero and
 * distinct, and none of them the admin (the key that changes settings must not also be able to
 * attest deposits). */
uint64_t thb_bridge_validate_attestors(const uint8_t *attestors, uint8_t count, uint8_t threshold,
                                       const GtxPubkey *admin) {
  GTX_REQUIRE(count >= 1 && count <= THB_BRIDGE_CONST_MAX_ATTESTORS && threshold >= 1 && threshold <= count,
              THB_BRIDGE_ERR_INVALID_ATTESTOR_SET);
  for (uint64_t i = 0; i < count; i++) {
    const GtxPubkey *k = (const GtxPubkey *)(attestors + 32 * i);
    GTX_REQUIRE(!gtx_pubkey_is_zero(k), THB_BRIDGE_ERR_INVALID_ATTESTOR_SET);
    for (uint64_t j = 0; j < i; j++)
      GTX_REQUIRE(!gtx_pubkey_eq(k, (const GtxPubkey *)(attestors + 32 * j)), THB_BRIDGE_ERR_INVALID_ATTESTOR_SET);
    GTX_REQUIRE(!gtx_pubkey_eq(k, admin), THB_BRIDGE_ERR_ADMIN_IS_ATTESTOR);
  }
  return GTX_SUCCESS;
}

/* Stores the first `count` keys at `slots` (MAX_ATTESTORS of them) and zeroes the unused ones. */
static void thb_bridge_copy_keys(uint8_t *slots, const uint8_t *attestors, uint64_t count) {
  for (uint64_t i = 0; i < THB_BRIDGE_CONST_MAX_ATTESTORS; i++) {
    GtxPubkey *slot = (GtxPubkey *)(slots + 32 * i);
    if (i < count)
      gtx_pubkey_copy(slot, (const GtxPubkey *)(attestors + 32 * i));
    else
      thb_bridge_clear32(slot->x);
  }
}

/* The active set. */
void thb_bridge_write_attestors(uint8_t *d, const uint8_t *attestors, uint8_t count, uint8_t threshold) {
  thb_bridge_copy_keys(thb_bridge_bridge_attestors(d), attestors, count);
  thb_bridge_bridge_set_attestor_count(d, count);
  thb_bridge_bridge_set_threshold(d, threshold);
}

/* The proposed set (count 0 = none pending). */
void thb_bridge_write_pending_attestors(uint8_t *d, const uint8_t *attestors, uint8_t count, uint8_t threshold) {
  thb_bridge_copy_keys(thb_bridge_bridge_pending_attestors(d), attestors, count);
  thb_bridge_bridge_set_pending_attestor_count(d, count);
  thb_bridge_bridge_set_pending_threshold(d, threshold);
}

/* A stored count, clamped to the array (only this program writes it). */
GTX_INLINE uint64_t thb_bridge_clamp_count(uint64_t n) {
  return n > THB_BRIDGE_CONST_MAX_ATTESTORS ? THB_BRIDGE_CONST_MAX_ATTESTORS : n;
}

static bool thb_bridge_key_in(const uint8_t *slots, uint64_t n, const GtxPubkey *key) {
  for (uint64_t i = 0; i < n; i++)
    if (gtx_pubkey_eq((const GtxPubkey *)(slots + 32 * i), key)) return true;
  return false;
}

bool thb_bridge_is_attestor(uint8_t *d, const GtxPubkey *key) {
  return thb_bridge_key_in(thb_bridge_bridge_attestors(d), thb_bridge_clamp_count(thb_bridge_bridge_get_attestor_count(d)),
                           key);
}

bool thb_bridge_is_pending_attestor(uint8_t *d, const GtxPubkey *key) {
  return thb_bridge_key_in(thb_bridge_bridge_pending_attestors(d),
                           thb_bridge_clamp_count(thb_bridge_bridge_get_pending_attestor_count(d)), key);
}

/* 0 < max_per_deposit <= max_per_day, and a positive withdrawal timeout. */
bool thb_bridge_limits_valid(const ThbBridgeBridgeLimits *l) {
  return l->max_per_deposit > 0 && l->max_per_deposit <= l->max_per_day && l->withdrawal_timeout_secs > 0;
}

/* mint_to(THBC mint -> token, amount), signed by the Bridge PDA (seeds ["bridge", bump]). */
uint64_t thb_bridge_mint(const GtxAccountInfo *bridge, const GtxAccountInfo *mint, const GtxAccountInfo *token,
                         uint64_t amount) {
  uint8_t bump = THB_BRIDGE_PDA_BRIDGE_BUMP;
  GtxSlice seeds[2] = {GTX_SEED(THB_BRIDGE_SEED_BRIDGE, sizeof(THB_BRIDGE_SEED_BRIDGE)), GTX_SEED(&bump, 1)};
  GtxSigner signer = {seeds, 2};
  return gtx_token_mint_to(&GTX_TOKEN_PROGRAM_ID, mint, token, bridge, amount, &signer, 1);
}

/* A new account of this program at the PDA `pda` (signed by `signer`), paid by `payer`: Anchor's
 * `init` (gtx_init_pda_account), out of line so its CPI buffers stay out of the handlers' frames. */
uint64_t thb_bridge_create_pda(const GtxAccountInfo *payer, const GtxAccountInfo *pda, uint64_t space,
                               const GtxSigner *signer) {
  return gtx_init_pda_account(payer, pda, space, &THB_BRIDGE_PROGRAM_ID, signer);
}
