#include "probe.h"

uint64_t entrypoint(const uint8_t *input) {
  GtxInput in;
  gtx_deserialize(input, &in, gtx_heap_accounts(), PROBE_MAX_ACCOUNTS);
  if (in.data_len < 8) return GTX_FAIL(GTX_E_INSTRUCTION_MISSING);
  uint64_t d = gtx_load_u64(in.data);
  if (d == PROBE_IX_MATH_DISC) return probe_math(&in);
  if (d == PROBE_IX_ECHO_DISC) return probe_echo(&in);
  if (d == PROBE_IX_RENT_DISC) return probe_rent(&in);
  if (d == PROBE_IX_INSPECT_DISC) return probe_inspect(&in);
  if (d == PROBE_IX_CLOCK_DISC) return probe_clock(&in);
  if (d == PROBE_IX_TOKEN_DISC) return probe_token(&in);
  if (d == PROBE_IX_SYSTEM_TRANSFER_DISC) return probe_system_transfer(&in);
  if (d == PROBE_IX_IDS_DISC) return probe_ids(&in);
  if (d == PROBE_IX_UTF8_DISC) return probe_utf8(&in);
  if (d == PROBE_IX_EMIT_DISC) return probe_emit(&in);
  if (d == PROBE_IX_WRITE_STATE_DISC) return probe_write_state(&in);
  return GTX_FAIL(GTX_E_INSTRUCTION_FALLBACK_NOT_FOUND);
}
