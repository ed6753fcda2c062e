/*
 * gtx/instructions_sysvar.h - read the instructions sysvar (Sysvar1nstructions1111111111111111111111111)
 * from its account data, with every offset bounds-checked.
 *
 * Serialized layout (agave's construct_instructions_data), all integers little-endian:
 *   u16 n                      number of instructions in the transaction
 *   u16 offset[n]              where instruction i starts, from the beginning of the data
 *   per instruction:
 *     u16 num_accounts
 *     num_accounts x { u8 flags (bit 0 signer, bit 1 writable), u8 pubkey[32] }
 *     u8 program_id[32]
 *     u16 data_len
 *     u8 data[data_len]
 *   u16 current               index of the instruction now executing (the last two bytes)
 * Pass the account's data only after checking the account's key is the sysvar's address.
 */
#ifndef GTX_INSTRUCTIONS_SYSVAR_H
#define GTX_INSTRUCTIONS_SYSVAR_H

#include "ids.h"
#include "mem.h"

typedef struct {
  const GtxPubkey *program_id;
  const uint8_t *data;
  uint64_t data_len;
} GtxSysvarInstruction;

/* Index of the instruction now executing; false if the data is too short to hold it. */
GTX_INLINE bool gtx_ixs_current_index(const uint8_t *d, uint64_t len, uint16_t *out) {
  if (len < 4) return false; /* at least n and current */
  *out = gtx_load_u16(d + len - 2);
  return true;
}

/* Instruction `index` of the transaction; false when it does not exist or the data is malformed
 * (any field reaching past the serialized instructions). */
GTX_INLINE bool gtx_ixs_load(const uint8_t *d, uint64_t len, uint16_t index, GtxSysvarInstruction *out) {
  if (len < 4) return false;
  uint64_t end = len - 2; /* the trailing current-index field is not part of any instruction */
  uint64_t n = gtx_load_u16(d);
  if (index >= n) return false;
  uint64_t table = 2 + 2 * (uint64_t)index;
  if (table + 2 > end) return false;
  uint64_t p = gtx_load_u16(d + table);
  if (p + 2 > end) return false;
  uint64_t accounts = gtx_load_u16(d + p);
  p += 2 + 33 * accounts; /* at most 2 + 33 * 65535: no overflow */
  if (p + 32 + 2 > end) return false;
  out->program_id = (const GtxPubkey *)(d + p);
  p += 32;
  uint64_t data_len = gtx_load_u16(d + p);
  p += 2;
  if (data_len > end - p) return false;
  out->data = d + p;
  out->data_len = data_len;
  return true;
}

#endif
