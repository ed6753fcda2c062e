#include "probe.h"

/// ids: return data = system, token, token-2022, associated token, clock sysvar,
/// instructions sysvar, ed25519 program ids (7 x 32 bytes) and this program's id.
uint64_t probe_ids(const GtxInput *in) {
  GTX_REQUIRE(probe_ids_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  const GtxPubkey *ids[8] = {&GTX_SYSTEM_PROGRAM_ID, &GTX_TOKEN_PROGRAM_ID, &GTX_TOKEN_2022_PROGRAM_ID,
                             &GTX_ASSOCIATED_TOKEN_PROGRAM_ID, &GTX_SYSVAR_CLOCK_ID, &GTX_SYSVAR_INSTRUCTIONS_ID,
                             &GTX_ED25519_PROGRAM_ID, &PROBE_PROGRAM_ID};
  uint8_t out[8 * 32];
  for (int i = 0; i < 8; i++) gtx_pubkey_copy((GtxPubkey *)(out + 32 * i), ids[i]);
  gtx_set_return_data(out, sizeof(out));
  return GTX_SUCCESS;
}
