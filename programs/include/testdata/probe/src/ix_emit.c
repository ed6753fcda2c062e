#include "probe.h"

/// emit(key, flag, amount, kind, point): emit Probed through the generated emitter.
uint64_t probe_emit(const GtxInput *in) {
  ProbeEmitArgs a;
  GTX_REQUIRE(probe_emit_decode(in, &a), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  probe_emit_probed(a.key, a.flag, a.amount, a.kind, a.point.x, a.point.y, a.point.tag);
  return GTX_SUCCESS;
}
