#include "thb_bridge.h"

void thb_bridge_encode_message(uint8_t out[THB_BRIDGE_CONST_ATTESTATION_MESSAGE_LEN], const GtxPubkey *program_id,
                               uint8_t *bridge_data, const ThbBridgeClaim *c) {
  gtx_memcpy(out, THB_BRIDGE_ATTESTATION_DOMAIN, sizeof(THB_BRIDGE_ATTESTATION_DOMAIN));
  out[THB_BRIDGE_MSG_KIND_OFF] = (uint8_t)c->kind;
  gtx_memcpy(out + THB_BRIDGE_MSG_PROGRAM_OFF, program_id->x, 32);
  gtx_memcpy(out + THB_BRIDGE_MSG_BRIDGE_OFF, THB_BRIDGE_PDA_BRIDGE.x, 32);
  gtx_memcpy(out + THB_BRIDGE_MSG_CLUSTER_OFF, thb_bridge_bridge_cluster_tag(bridge_data), 32);
  gtx_memcpy(out + THB_BRIDGE_MSG_SUBJECT_OFF, c->subject, 32);
  gtx_memcpy(out + THB_BRIDGE_MSG_ACCOUNT_OFF, c->account->x, 32);
  gtx_store_u64(out + THB_BRIDGE_MSG_AMOUNT_OFF, c->amount);
  if (c->ref)
    gtx_memcpy(out + THB_BRIDGE_MSG_REF_OFF, c->ref, 32);
  else
    thb_bridge_clear32(out + THB_BRIDGE_MSG_REF_OFF);
}

/* True when the instruction just before this one is an Ed25519-program instruction (refund's
 * choice between the attested path and the timeout path). */
bool thb_bridge_attestation_present(const GtxAccountInfo *ixs) {
  uint16_t current;
  if (!gtx_ixs_current_index(ixs->data, ixs->data_len, &current) || current == 0) return false;
  GtxSysvarInstruction ix;
  return gtx_ixs_load(ixs->data, ixs->data_len, current - 1, &ix) &&
         gtx_pubkey_eq(ix.program_id, &GTX_ED25519_PROGRAM_ID);
}

/* The attestors' M-of-N attestation: the `threshold` instructions immediately before this one
 * are Ed25519-program instructions, each of which verified exactly one signature whose key,
 * signature and message lie in its own data (so the bytes compared here are the bytes the
 * precompile verified), by `threshold` distinct attestors, over exactly the message built here
 * from this program's id, the Bridge PDA, the stored cluster tag and the instruction's own
 * values. A transaction with an invalid signature never gets this far: the precompile fails it.
 * Out of line, so the 225-byte message lives in this frame and not in the handler's. */
__attribute__((noinline)) uint64_t thb_bridge_verify_attestation(const GtxInput *in, const GtxAccountInfo *ixs,
                                                                 uint8_t *bridge_data, const ThbBridgeClaim *claim) {
  uint64_t msg[(THB_BRIDGE_CONST_ATTESTATION_MESSAGE_LEN + 7) / 8];
  thb_bridge_encode_message((uint8_t *)msg, in->program_id, bridge_data, claim);
  uint64_t threshold = thb_bridge_bridge_get_threshold(bridge_data);
  uint16_t current;
  GTX_REQUIRE(threshold >= 1 && gtx_ixs_current_index(ixs->data, ixs->data_len, &current) && current >= threshold,
              THB_BRIDGE_ERR_NOT_ENOUGH_ATTESTATIONS);
  uint64_t seen[THB_BRIDGE_CONST_MAX_ATTESTORS] = {0};
  uint64_t n = thb_bridge_bridge_get_attestor_count(bridge_data);
  if (n > THB_BRIDGE_CONST_MAX_ATTESTORS) n = THB_BRIDGE_CONST_MAX_ATTESTORS;
  for (uint64_t i = 1; i <= threshold; i++) {
    uint16_t index = (uint16_t)(current - i);
    GtxSysvarInstruction ix;
    GTX_REQUIRE(gtx_ixs_load(ixs->data, ixs->data_len, index, &ix) &&
                    gtx_pubkey_eq(ix.program_id, &GTX_ED25519_PROGRAM_ID),
                THB_BRIDGE_ERR_NOT_ENOUGH_ATTESTATIONS);
    GtxEd25519Signature sig;
    GTX_REQUIRE(gtx_ed25519_single(ix.data, ix.data_len, index, &sig) == GTX_ED25519_OK,
                THB_BRIDGE_ERR_INVALID_ATTESTATION_INSTRUCTION);
    uint64_t who = n;
    for (uint64_t k = 0; k < n; k++)
      if (gtx_pubkey_eq((const GtxPubkey *)sig.pubkey, thb_bridge_bridge_attestors_at(bridge_data, k))) who = k;
    GTX_REQUIRE(who < n, THB_BRIDGE_ERR_NOT_ATTESTOR);
    GTX_REQUIRE(!seen[who], THB_BRIDGE_ERR_DUPLICATE_ATTESTOR);
    seen[who] = 1;
    GTX_REQUIRE(sig.message_len == THB_BRIDGE_CONST_ATTESTATION_MESSAGE_LEN &&
                    gtx_memeq(sig.message, (const uint8_t *)msg, THB_BRIDGE_CONST_ATTESTATION_MESSAGE_LEN),
                THB_BRIDGE_ERR_ATTESTATION_MISMATCH);
  }
  return GTX_SUCCESS;
}
