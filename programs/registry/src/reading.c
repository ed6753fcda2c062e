#include "registry.h"

void registry_encode_reading(uint8_t out[REGISTRY_CONST_READING_MESSAGE_LEN], uint8_t *meter_data,
                             uint64_t production_register, uint64_t consumption_register, int64_t timestamp) {
  gtx_memcpy(out, REGISTRY_READING_DOMAIN, sizeof(REGISTRY_READING_DOMAIN));
  out[REGISTRY_MSG_ID_LEN_OFF] = registry_meter_get_meter_id_len(meter_data);
  /* The stored id is already zero-padded to 32 bytes (written into a zeroed account). */
  const uint8_t *id = registry_meter_meter_id(meter_data);
  for (uint64_t i = 0; i < 32; i += 8) gtx_store_u64(out + REGISTRY_MSG_ID_OFF + i, gtx_load_u64(id + i));
  gtx_store_u64(out + REGISTRY_MSG_PRODUCTION_OFF, production_register);
  gtx_store_u64(out + REGISTRY_MSG_CONSUMPTION_OFF, consumption_register);
  gtx_store_i64(out + REGISTRY_MSG_TIMESTAMP_OFF, timestamp);
}

/* The meter's attestation: the instruction just before this one is an Ed25519-program
 * instruction that verified exactly one signature, by the meter's stored key, over exactly
 * `message`, with the key, message and signature all read from that instruction's own data (so
 * the bytes compared here are the bytes the precompile verified). A transaction with an invalid
 * signature never gets this far: the Ed25519 program fails it first. */
uint64_t registry_verify_reading_signature(const GtxAccountInfo *ixs, uint8_t *meter_data, const uint8_t *message) {
  uint16_t current;
  GTX_REQUIRE(gtx_ixs_current_index(ixs->data, ixs->data_len, &current) && current > 0,
              REGISTRY_ERR_MISSING_SIGNATURE_INSTRUCTION);
  uint16_t index = current - 1;
  GtxSysvarInstruction ix;
  GTX_REQUIRE(gtx_ixs_load(ixs->data, ixs->data_len, index, &ix), REGISTRY_ERR_MISSING_SIGNATURE_INSTRUCTION);
  GTX_REQUIRE(gtx_pubkey_eq(ix.program_id, &GTX_ED25519_PROGRAM_ID), REGISTRY_ERR_NOT_ED25519_INSTRUCTION);
  GtxEd25519Signature sig;
  GTX_REQUIRE(gtx_ed25519_single(ix.data, ix.data_len, index, &sig) == GTX_ED25519_OK,
              REGISTRY_ERR_INVALID_SIGNATURE_INSTRUCTION);
  GTX_REQUIRE(gtx_pubkey_eq((const GtxPubkey *)sig.pubkey, registry_meter_meter_pubkey(meter_data)),
              REGISTRY_ERR_SIGNER_KEY_MISMATCH);
  GTX_REQUIRE(sig.message_len == REGISTRY_CONST_READING_MESSAGE_LEN &&
                  gtx_memeq(sig.message, message, REGISTRY_CONST_READING_MESSAGE_LEN),
              REGISTRY_ERR_SIGNED_MESSAGE_MISMATCH);
  return GTX_SUCCESS;
}
