#include "governance.h"

/// deliver_green(volume_wh): Trading, filling a green sell order, moves volume_wh out of the source
/// certificate's lock (and volume) into the buyer's certificate, PDA ["certificate_fill", source,
/// buy_order], created on the first delivery of that pair (owner = the buy order's owner; same
/// meter, zone, type, period, origin and status; parent = source) and added to on later ones.
/// Only Trading's market PDA can sign. The total volume of all certificates does not change.
///
/// Accounts:
///   0. [signer] market - Trading's market PDA ["market"]
///   1. [writable] source - the certificate locked by the sell order
///   2. [] sell_order
///   3. [] buy_order
///   4. [writable] buyer_certificate - PDA ["certificate_fill", source, buy_order]
///   5. [writable, signer] payer - pays the buyer certificate's rent when it is created
///   6. [] system_program
uint64_t governance_deliver_green(const GtxInput *in) {
  GovernanceDeliverGreenArgs args;
  GTX_REQUIRE(governance_deliver_green_decode(in, &args), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  /* 1. account count */
  GTX_REQUIRE(in->account_count >= GOVERNANCE_IX_DELIVER_GREEN_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *market = &in->accounts[GOVERNANCE_IX_DELIVER_GREEN_MARKET];
  const GtxAccountInfo *source = &in->accounts[GOVERNANCE_IX_DELIVER_GREEN_SOURCE];
  const GtxAccountInfo *sell_order = &in->accounts[GOVERNANCE_IX_DELIVER_GREEN_SELL_ORDER];
  const GtxAccountInfo *buy_order = &in->accounts[GOVERNANCE_IX_DELIVER_GREEN_BUY_ORDER];
  const GtxAccountInfo *buyer = &in->accounts[GOVERNANCE_IX_DELIVER_GREEN_BUYER_CERTIFICATE];
  const GtxAccountInfo *payer = &in->accounts[GOVERNANCE_IX_DELIVER_GREEN_PAYER];
  const GtxAccountInfo *system = &in->accounts[GOVERNANCE_IX_DELIVER_GREEN_SYSTEM_PROGRAM];
  /* 2. signers: Trading's market PDA and the payer */
  GTX_REQUIRE(market->is_signer && payer->is_signer, GTX_E_ACCOUNT_NOT_SIGNER);
  GTX_REQUIRE(gtx_pubkey_eq(market->key, &TRADING_PDA_MARKET), GOVERNANCE_ERR_NOT_MARKET);
  /* 3. writable */
  GTX_REQUIRE(source->is_writable && buyer->is_writable && payer->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  /* 4-7. the System program, the source certificate, the buy order is Trading's */
  GTX_REQUIRE(gtx_pubkey_eq(system->key, &GTX_SYSTEM_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);
  uint64_t err = governance_check_certificate(in, source);
  if (err) return err;
  GTX_REQUIRE(governance_is_trading_order(buy_order), GOVERNANCE_ERR_INVALID_ORDER);
  uint8_t *s = source->data;
  /* 8. the sell order holds the lock; not revoked; a positive volume within the lock */
  GtxPubkey *locked_order = governance_certificate_locked_order(s);
  GTX_REQUIRE(!gtx_pubkey_is_zero(locked_order) && gtx_pubkey_eq(locked_order, sell_order->key),
              GOVERNANCE_ERR_NOT_LOCKED_BY_ORDER);
  GTX_REQUIRE(governance_certificate_get_status(s) != GOVERNANCE_ENUM_CERTIFICATE_STATUS_REVOKED,
              GOVERNANCE_ERR_CERTIFICATE_IS_REVOKED);
  GTX_REQUIRE(args.volume_wh > 0, GOVERNANCE_ERR_ZERO_VOLUME);
  uint64_t locked = governance_certificate_get_locked_wh(s);
  GTX_REQUIRE(args.volume_wh <= locked, GOVERNANCE_ERR_INSUFFICIENT_LOCKED_VOLUME);
  uint8_t *b;
  uint64_t buyer_volume;
  if (gtx_is_owned_by(buyer, &GTX_SYSTEM_PROGRAM_ID)) {
    /* first delivery of this pair: 5. nothing allocated, 7. its PDA (canonical bump) */
    GTX_REQUIRE(buyer->data_len == 0, GTX_E_CONSTRAINT_SPACE);
    GtxSlice seeds[4];
    uint64_t n = governance_certificate_seeds(seeds, GOVERNANCE_ENUM_CERTIFICATE_KIND_FILL, source->key,
                                              buy_order->key->x, NULL);
    GtxPubkey expected;
    uint8_t bump;
    GTX_REQUIRE(gtx_pda_find_fast(seeds, n, in->program_id, &expected, &bump) && gtx_pubkey_eq(&expected, buyer->key),
                GTX_E_CONSTRAINT_SEEDS);
    GtxClock clock;
    GTX_REQUIRE(gtx_get_clock(&clock), GOVERNANCE_ERR_CLOCK_UNAVAILABLE);
    seeds[n] = GTX_SEED(&bump, 1);
    err = governance_create_pda(payer, buyer, GOVERNANCE_ACCOUNT_CERTIFICATE_LEN, seeds, n + 1);
    if (err) return err;
    b = buyer->data;
    governance_copy_provenance(b, s, source->key);
    gtx_pubkey_copy(governance_certificate_owner(b), governance_order_owner(buy_order));
    gtx_pubkey_copy(governance_certificate_buy_order(b), buy_order->key);
    governance_certificate_set_issued_at(b, clock.unix_timestamp);
    governance_certificate_set_kind(b, GOVERNANCE_ENUM_CERTIFICATE_KIND_FILL);
    governance_certificate_set_bump(b, bump);
    buyer_volume = args.volume_wh;
  } else {
    /* a later delivery: 4-7 (its PDA from its stored seeds), and it is this pair's */
    err = governance_check_certificate(in, buyer);
    if (err) return err;
    b = buyer->data;
    GTX_REQUIRE(governance_certificate_get_kind(b) == GOVERNANCE_ENUM_CERTIFICATE_KIND_FILL &&
                    gtx_pubkey_eq(governance_certificate_parent(b), source->key) &&
                    gtx_pubkey_eq(governance_certificate_buy_order(b), buy_order->key),
                GOVERNANCE_ERR_INVALID_BUYER_CERTIFICATE);
    GTX_REQUIRE(gtx_add(governance_certificate_get_volume_wh(b), args.volume_wh, &buyer_volume),
                GOVERNANCE_ERR_MATH_OVERFLOW);
  }
  /* 9. write: volume moves from the source's lock to the buyer (locked <= volume: no underflow) */
  uint64_t source_locked = locked - args.volume_wh;
  governance_certificate_set_locked_wh(s, source_locked);
  governance_certificate_set_volume_wh(s, governance_certificate_get_volume_wh(s) - args.volume_wh);
  governance_certificate_set_volume_wh(b, buyer_volume);
  /* 10. event */
  governance_emit_green_delivered(source->key, buyer->key, sell_order->key, buy_order->key,
                                  governance_certificate_owner(s), governance_certificate_owner(b),
                                  governance_certificate_origin(s), args.volume_wh, source_locked, buyer_volume);
  return GTX_SUCCESS;
}
