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

/* The attestors' M-of-N attestation: the instruction just before this one is an Ed25519-program
 * instruction whose every signature entry is self-contained (key, signature and message all in
 * that instruction's own data, so the bytes compared here are the bytes the precompile verified),
 * by a distinct attestor, over exactly sha256(the attestation message built here from this
 * program's id, the Bridge PDA, the stored cluster tag and the instruction's own values); and
 * there are at least `threshold` of them. Signing the 32-byte digest, with the entries sharing one
 * copy of it, keeps a 5-of-5 proof inside one transaction. A transaction with an invalid signature
 * never gets this far: the precompile fails it. Out of line, so the 225-byte message lives in this
 * frame and not in the handler's. */
__attribute__((noinline)) uint64_t thb_bridge_verify_attestation(const GtxInput *in, const GtxAccountInfo *ixs,
                                                                 uint8_t *bridge_data, const ThbBridgeClaim *claim) {
  uint64_t msg[(THB_BRIDGE_CONST_ATTESTATION_MESSAGE_LEN + 7) / 8];
  thb_bridge_encode_message((uint8_t *)msg, in->program_id, bridge_data, claim);
  uint8_t digest[32];
  GtxSlice whole = {(const uint8_t *)msg, THB_BRIDGE_CONST_ATTESTATION_MESSAGE_LEN};
  GTX_REQUIRE(sol_sha256(&whole, 1, digest) == 0, THB_BRIDGE_ERR_ATTESTATION_MISMATCH);
  /* Whose signatures count, and how many are needed: the attestor set and its threshold, or, to
   * accept a rotation, every key of the pending set. */
  uint8_t *keys = claim->pending_set ? thb_bridge_bridge_pending_attestors(bridge_data) : thb_bridge_bridge_attestors(bridge_data);
  uint64_t n = claim->pending_set ? thb_bridge_bridge_get_pending_attestor_count(bridge_data)
                                  : thb_bridge_bridge_get_attestor_count(bridge_data);
  if (n > THB_BRIDGE_CONST_MAX_ATTESTORS) n = THB_BRIDGE_CONST_MAX_ATTESTORS;
  uint64_t threshold = claim->pending_set ? n : thb_bridge_bridge_get_threshold(bridge_data);
  uint16_t current;
  GtxSysvarInstruction ix;
  GTX_REQUIRE(threshold >= 1 && gtx_ixs_current_index(ixs->data, ixs->data_len, &current) && current >= 1 &&
                  gtx_ixs_load(ixs->data, ixs->data_len, current - 1, &ix) &&
                  gtx_pubkey_eq(ix.program_id, &GTX_ED25519_PROGRAM_ID),
              THB_BRIDGE_ERR_NOT_ENOUGH_ATTESTATIONS);
  uint16_t self = current - 1;
  const uint8_t *d = ix.data;
  uint64_t len = ix.data_len;
  GTX_REQUIRE(len >= GTX_ED25519_OFFSETS_START, THB_BRIDGE_ERR_INVALID_ATTESTATION_INSTRUCTION);
  uint64_t count = d[0];
  GTX_REQUIRE(count >= 1 && GTX_ED25519_OFFSETS_START + GTX_ED25519_OFFSETS_LEN * count <= len,
              THB_BRIDGE_ERR_INVALID_ATTESTATION_INSTRUCTION);
  uint64_t seen[THB_BRIDGE_CONST_MAX_ATTESTORS] = {0};
  for (uint64_t e = 0; e < count; e++) {
    const uint8_t *o = d + GTX_ED25519_OFFSETS_START + GTX_ED25519_OFFSETS_LEN * e;
    uint64_t sig_off = gtx_load_u16(o), sig_ix = gtx_load_u16(o + 2);
    uint64_t pk_off = gtx_load_u16(o + 4), pk_ix = gtx_load_u16(o + 6);
    uint64_t msg_off = gtx_load_u16(o + 8), msg_len = gtx_load_u16(o + 10), msg_ix = gtx_load_u16(o + 12);
    /* Offsets are u16, so the sums cannot overflow. */
    GTX_REQUIRE((sig_ix == GTX_ED25519_SELF_INDEX || sig_ix == self) &&
                    (pk_ix == GTX_ED25519_SELF_INDEX || pk_ix == self) &&
                    (msg_ix == GTX_ED25519_SELF_INDEX || msg_ix == self) && sig_off + GTX_ED25519_SIGNATURE_LEN <= len &&
                    pk_off + GTX_ED25519_PUBKEY_LEN <= len && msg_off + msg_len <= len,
                THB_BRIDGE_ERR_INVALID_ATTESTATION_INSTRUCTION);
    const GtxPubkey *key = (const GtxPubkey *)(d + pk_off);
    uint64_t who = n;
    for (uint64_t k = 0; k < n; k++)
      if (gtx_pubkey_eq(key, (const GtxPubkey *)(keys + 32 * k))) who = k;
    GTX_REQUIRE(who < n, THB_BRIDGE_ERR_NOT_ATTESTOR);
    GTX_REQUIRE(!seen[who], THB_BRIDGE_ERR_DUPLICATE_ATTESTOR);
    seen[who] = 1;
    GTX_REQUIRE(msg_len == 32 && gtx_memeq(d + msg_off, digest, 32), THB_BRIDGE_ERR_ATTESTATION_MISMATCH);
  }
  GTX_REQUIRE(count >= threshold, THB_BRIDGE_ERR_NOT_ENOUGH_ATTESTATIONS);
  return GTX_SUCCESS;
}
