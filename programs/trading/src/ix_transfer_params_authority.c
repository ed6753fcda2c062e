#include "trading.h"

/// transfer_params_authority(new_authority): first step of a two-step hand-over (Governance
/// takes the market over this way). Nothing changes hands until new_authority signs
/// accept_params_authority; the default (all-zero) key cancels a pending hand-over.
///
/// Accounts:
///   0. [signer] params_authority - must be the market's params authority
///   1. [writable] market - PDA ["market"]
uint64_t trading_transfer_params_authority(const GtxInput *in) {
  TradingTransferParamsAuthorityArgs args;
  GTX_REQUIRE(trading_transfer_params_authority_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  const GtxAccountInfo *market;
  uint64_t err = trading_market_admin(in, false, &market);
  if (err) return err;
  const GtxAccountInfo *authority = &in->accounts[TRADING_IX_TRANSFER_PARAMS_AUTHORITY_PARAMS_AUTHORITY];
  /* 9. write (8: any key is acceptable; it only matters once it signs) */
  gtx_pubkey_copy(trading_market_pending_params_authority(market->data), args.new_authority);
  /* 10. event */
  trading_emit_params_authority_transfer_proposed(authority->key, args.new_authority);
  return GTX_SUCCESS;
}
