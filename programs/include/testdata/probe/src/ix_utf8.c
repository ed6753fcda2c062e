#include "probe.h"

/// utf8(data): return data = [gtx_utf8_valid(data) u8]
uint64_t probe_utf8(const GtxInput *in) {
  ProbeUtf8Args a;
  GTX_REQUIRE(probe_utf8_decode(in, &a), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  uint8_t out = gtx_utf8_valid(a.data, a.data_len) ? 1 : 0;
  gtx_set_return_data(&out, 1);
  return GTX_SUCCESS;
}
