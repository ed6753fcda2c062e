#include "trading.h"

/// accept_params_authority: second step of the hand-over; the pending authority signs and takes
/// over.
///
/// Accounts:
///   0. [signer] new_authority - must be the market's pending params authority
///   1. [writable] market - PDA ["market"]
uint64_t trading_accept_params_authority(const GtxInput *in) {
  GTX_REQUIRE(trading_accept_params_authority_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= TRADING_IX_ACCEPT_PARAMS_AUTHORITY_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *signer = &in->accounts[TRADING_IX_ACCEPT_PARAMS_AUTHORITY_NEW_AUTHORITY];
  const GtxAccountInfo *market = &in->accounts[TRADING_IX_ACCEPT_PARAMS_AUTHORITY_MARKET];
  /* 2. signer, 3. writable */
  GTX_REQUIRE(signer->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(market->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. owner, size, discriminator, PDA */
  uint64_t err = trading_check_market(in, market);
  if (err) return err;
  uint8_t *d = market->data;
  /* 8. a hand-over is pending, to this signer (a zero pending key can never sign) */
  GtxPubkey *pending = trading_market_pending_params_authority(d);
  GTX_REQUIRE(!gtx_pubkey_is_zero(pending) && gtx_pubkey_eq(pending, signer->key), TRADING_ERR_NOT_PENDING_AUTHORITY);
  /* 9. write */
  GtxPubkey previous;
  gtx_pubkey_copy(&previous, trading_market_params_authority(d));
  gtx_pubkey_copy(trading_market_params_authority(d), signer->key);
  trading_pubkey_clear(pending);
  /* 10. event */
  trading_emit_params_authority_transferred(&previous, signer->key);
  return GTX_SUCCESS;
}
