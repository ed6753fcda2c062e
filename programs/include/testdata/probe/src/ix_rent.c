#include "probe.h"

/// rent(data_len, lamports_per_byte_year, threshold_bits): return data =
/// [ok_sysvar u8][minimum from the Rent sysvar u64][ok_custom u8][minimum for the given Rent u64]
uint64_t probe_rent(const GtxInput *in) {
  ProbeRentArgs a;
  GTX_REQUIRE(probe_rent_decode(in, &a), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  uint64_t from_sysvar = 0, custom = 0;
  bool ok1 = gtx_rent_minimum_balance(a.data_len, &from_sysvar);
  GtxRent rent = {a.lamports_per_byte_year, a.threshold_bits, 0, {0}};
  bool ok2 = gtx_rent_exempt_minimum(&rent, a.data_len, &custom);
  uint8_t out[18];
  out[0] = ok1;
  gtx_store_u64(out + 1, from_sysvar);
  out[9] = ok2;
  gtx_store_u64(out + 10, custom);
  gtx_set_return_data(out, sizeof(out));
  return GTX_SUCCESS;
}
