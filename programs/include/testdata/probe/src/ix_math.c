#include "probe.h"

/// math(op, a, b, c): return data = [ok u8][lo u64][hi u64].
uint64_t probe_math(const GtxInput *in) {
  ProbeMathArgs a;
  GTX_REQUIRE(probe_math_decode(in, &a), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  bool ok = false;
  uint64_t v = 0, hi = 0;
  int64_t s = 0;
  switch (a.op) {
    case 0: ok = gtx_add(a.a, a.b, &v); break;
    case 1: ok = gtx_sub(a.a, a.b, &v); break;
    case 2: ok = gtx_mul(a.a, a.b, &v); break;
    case 3: ok = gtx_div(a.a, a.b, &v); break;
    case 4: ok = gtx_mul_div(a.a, a.b, a.c, GTX_ROUND_DOWN, &v); break;
    case 5: ok = gtx_mul_div(a.a, a.b, a.c, GTX_ROUND_UP, &v); break;
    case 6: ok = gtx_mul_shr(a.a, a.b, a.c, &v); break;
    case 7: ok = gtx_add_i64((int64_t)a.a, (int64_t)a.b, &s); v = (uint64_t)s; break;
    case 8: ok = gtx_sub_i64((int64_t)a.a, (int64_t)a.b, &s); v = (uint64_t)s; break;
    case 9: gtx_mul_wide(a.a, a.b, &hi, &v); ok = true; break;
    default: return GTX_FAIL(PROBE_ERR_BAD_OP);
  }
  uint8_t out[17];
  out[0] = ok ? 1 : 0;
  gtx_store_u64(out + 1, v);
  gtx_store_u64(out + 9, hi);
  gtx_set_return_data(out, sizeof(out));
  return GTX_SUCCESS;
}
