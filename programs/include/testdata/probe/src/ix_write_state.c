#include "probe.h"

/// write_state(...): fill a ProbeState account through the generated accessors (several fields
/// sit at unaligned offsets), then read them back and compare.
/// Accounts:
///   0. [writable] state - program-owned, exactly PROBE_ACCOUNT_PROBE_STATE_LEN bytes
uint64_t probe_write_state(const GtxInput *in) {
  ProbeWriteStateArgs a;
  GTX_REQUIRE(probe_write_state_decode(in, &a), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  GTX_REQUIRE(in->account_count >= 1, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *state = &in->accounts[0];
  GTX_REQUIRE(state->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  GTX_REQUIRE(gtx_is_owned_by(state, in->program_id), GTX_E_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  GTX_REQUIRE(state->data_len == PROBE_ACCOUNT_PROBE_STATE_LEN, GTX_E_ACCOUNT_DID_NOT_DESERIALIZE);
  uint8_t *d = state->data;
  gtx_disc_write(d, PROBE_ACCOUNT_PROBE_STATE_DISC);
  probe_probe_state_set_flag(d, a.flag);
  gtx_pubkey_copy(probe_probe_state_key(d), a.key);
  probe_probe_state_set_value(d, a.value);
  probe_probe_state_set_small(d, a.small);
  probe_probe_state_set_kind(d, a.kind);
  probe_probe_state_set_point_x(d, a.point.x);
  probe_probe_state_set_point_y(d, a.point.y);
  probe_probe_state_set_point_tag(d, a.point.tag);
  uint8_t *raw = probe_probe_state_raw(d);
  raw[0] = 1, raw[1] = 2, raw[2] = 3;
  gtx_memcpy(probe_probe_state_wide(d), a.wide, 16);
  /* Read back through the getters (unaligned loads) and report mismatches as a bitmask. */
  uint8_t bad = 0;
  if (probe_probe_state_get_flag(d) != a.flag) bad |= 1;
  if (!gtx_pubkey_eq(probe_probe_state_key(d), a.key)) bad |= 2;
  if (!gtx_memeq(probe_probe_state_key(d), a.key, 32)) bad |= 4;
  if (probe_probe_state_get_value(d) != a.value) bad |= 8;
  if (probe_probe_state_get_small(d) != a.small) bad |= 16;
  if (probe_probe_state_get_point_x(d) != a.point.x || probe_probe_state_get_point_y(d) != a.point.y) bad |= 32;
  if (!gtx_disc_is(d, PROBE_ACCOUNT_PROBE_STATE_DISC)) bad |= 64;
  gtx_set_return_data(&bad, 1);
  return GTX_SUCCESS;
}
