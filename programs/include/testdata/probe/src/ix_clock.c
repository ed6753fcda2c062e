#include "probe.h"

/// clock: return data = [slot u64][unix_timestamp i64][epoch u64]
uint64_t probe_clock(const GtxInput *in) {
  GTX_REQUIRE(probe_clock_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  GtxClock c;
  if (!gtx_get_clock(&c)) return GTX_ERR_UNSUPPORTED_SYSVAR;
  uint8_t out[24];
  gtx_store_u64(out, c.slot);
  gtx_store_i64(out + 8, c.unix_timestamp);
  gtx_store_u64(out + 16, c.epoch);
  gtx_set_return_data(out, sizeof(out));
  return GTX_SUCCESS;
}
