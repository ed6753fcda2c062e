#include "probe.h"

/// echo(...every arg kind...): re-encode the decoded args with GtxWriter into scratch and return
/// them; the test compares with the bytes Anchor's coder encoded.
/// Accounts:
///   0. [writable] scratch - program-owned, at least 1024 bytes
uint64_t probe_echo(const GtxInput *in) {
  ProbeEchoArgs a;
  GTX_REQUIRE(probe_echo_decode(in, &a), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  GTX_REQUIRE(in->account_count >= 1, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *scratch = &in->accounts[0];
  GtxWriter w = gtx_writer(scratch->data, scratch->data_len);
  gtx_write_bool(&w, a.flag);
  gtx_write_u8(&w, a.small);
  gtx_write_u8(&w, (uint8_t)a.signed_small);
  gtx_write_u16(&w, a.medium);
  gtx_write_u16(&w, (uint16_t)a.signed_medium);
  gtx_write_u32(&w, a.word);
  gtx_write_u32(&w, (uint32_t)a.signed_word);
  gtx_write_u64(&w, a.big);
  gtx_write_i64(&w, a.signed_big);
  gtx_write_fixed(&w, a.wide, 16);
  gtx_write_pubkey(&w, a.key);
  gtx_write_vec_u8(&w, a.name, a.name_len);
  gtx_write_vec_u8(&w, a.blob, a.blob_len);
  gtx_write_fixed(&w, a.fixed, 4);
  gtx_write_bool(&w, a.has_maybe_key);
  if (a.has_maybe_key) gtx_write_pubkey(&w, a.maybe_key);
  gtx_write_bool(&w, a.has_maybe_num);
  if (a.has_maybe_num) gtx_write_u64(&w, a.maybe_num);
  gtx_write_u8(&w, a.kind);
  gtx_write_i64(&w, a.point.x);
  gtx_write_i64(&w, a.point.y);
  gtx_write_u8(&w, a.point.tag);
  GTX_REQUIRE(gtx_writer_ok(&w), GTX_E_ACCOUNT_DID_NOT_SERIALIZE);
  gtx_set_return_data(scratch->data, w.pos);
  return GTX_SUCCESS;
}
