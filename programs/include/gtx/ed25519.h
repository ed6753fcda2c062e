/*
 * gtx/ed25519.h - what an Ed25519 signature-verify instruction (Ed25519SigVerify111111111111111111111111111)
 * has verified, read from its instruction data.
 *
 * The precompile runs before (or as part of) the transaction and fails it when any listed
 * signature is invalid, so a program that finds the instruction in the instructions sysvar knows
 * those signatures are valid. It must still check WHAT was verified. Data layout, little-endian:
 *   u8 num_signatures, u8 padding,
 *   num_signatures x 14-byte offsets {
 *     u16 signature_offset, u16 signature_instruction_index,
 *     u16 public_key_offset, u16 public_key_instruction_index,
 *     u16 message_data_offset, u16 message_data_size, u16 message_instruction_index }
 *   then the bytes the offsets point at.
 * An *_instruction_index of 0xffff means "this instruction's own data"; any other value makes the
 * precompile read that instruction's data instead, which is how forged attestations usually work
 * (the verified key or message lives somewhere the reader never looks). gtx_ed25519_single accepts
 * exactly one signature whose signature, key and message all lie inside the Ed25519 instruction
 * itself (index 0xffff or its own index), so the bytes returned are the bytes that were verified.
 */
#ifndef GTX_ED25519_H
#define GTX_ED25519_H

#include "mem.h"

#define GTX_ED25519_SIGNATURE_LEN 64
#define GTX_ED25519_PUBKEY_LEN 32
#define GTX_ED25519_OFFSETS_START 2
#define GTX_ED25519_OFFSETS_LEN 14
#define GTX_ED25519_SELF_INDEX 0xffff

typedef struct {
  const uint8_t *signature; /* 64 bytes */
  const uint8_t *pubkey;    /* 32 bytes */
  const uint8_t *message;
  uint64_t message_len;
} GtxEd25519Signature;

typedef enum {
  GTX_ED25519_OK = 0,
  GTX_ED25519_NOT_ONE_SIGNATURE, /* num_signatures != 1, or data too short for its offsets */
  GTX_ED25519_FOREIGN_DATA,      /* an index points at another instruction */
  GTX_ED25519_OUT_OF_BOUNDS,     /* an offset + length runs past the data */
} GtxEd25519Result;

/* `self_index` is the instruction's own index in the transaction (also accepted in place of
 * 0xffff, which is what the precompile itself treats as equivalent). */
GTX_INLINE GtxEd25519Result gtx_ed25519_single(const uint8_t *data, uint64_t len, uint16_t self_index,
                                               GtxEd25519Signature *out) {
  if (len < GTX_ED25519_OFFSETS_START + GTX_ED25519_OFFSETS_LEN || data[0] != 1)
    return GTX_ED25519_NOT_ONE_SIGNATURE;
  const uint8_t *o = data + GTX_ED25519_OFFSETS_START;
  uint64_t sig_off = gtx_load_u16(o), sig_ix = gtx_load_u16(o + 2);
  uint64_t pk_off = gtx_load_u16(o + 4), pk_ix = gtx_load_u16(o + 6);
  uint64_t msg_off = gtx_load_u16(o + 8), msg_len = gtx_load_u16(o + 10), msg_ix = gtx_load_u16(o + 12);
  if ((sig_ix != GTX_ED25519_SELF_INDEX && sig_ix != self_index) ||
      (pk_ix != GTX_ED25519_SELF_INDEX && pk_ix != self_index) ||
      (msg_ix != GTX_ED25519_SELF_INDEX && msg_ix != self_index))
    return GTX_ED25519_FOREIGN_DATA;
  /* Offsets are u16, so the sums cannot overflow. */
  if (sig_off + GTX_ED25519_SIGNATURE_LEN > len || pk_off + GTX_ED25519_PUBKEY_LEN > len ||
      msg_off + msg_len > len)
    return GTX_ED25519_OUT_OF_BOUNDS;
  out->signature = data + sig_off;
  out->pubkey = data + pk_off;
  out->message = data + msg_off;
  out->message_len = msg_len;
  return GTX_ED25519_OK;
}

#endif
