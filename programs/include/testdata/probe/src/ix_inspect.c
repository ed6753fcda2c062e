#include "probe.h"

/// inspect: write what gtx_deserialize saw into the LAST account given (if it is within the
/// capacity): u64 account_count, u64 data_len, program_id[32], then per stored account
/// [signer u8][writable u8][executable u8][data_len u64][lamports u64][key 32][owner 32].
/// Accounts: any; the last one is a writable program-owned scratch account of >= 1024 bytes.
uint64_t probe_inspect(const GtxInput *in) {
  GTX_REQUIRE(probe_inspect_data_ok(in), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  uint64_t n = in->account_count;
  GTX_REQUIRE(n >= 1, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  uint64_t stored = n < PROBE_MAX_ACCOUNTS ? n : PROBE_MAX_ACCOUNTS;
  const GtxAccountInfo *scratch = &in->accounts[stored - 1];
  GtxWriter w = gtx_writer(scratch->data, scratch->data_len);
  gtx_write_u64(&w, n);
  gtx_write_u64(&w, in->data_len);
  gtx_write_pubkey(&w, in->program_id);
  for (uint64_t i = 0; i < stored; i++) {
    const GtxAccountInfo *a = &in->accounts[i];
    gtx_write_bool(&w, a->is_signer);
    gtx_write_bool(&w, a->is_writable);
    gtx_write_bool(&w, a->executable);
    gtx_write_u64(&w, a->data_len);
    gtx_write_u64(&w, gtx_lamports(a));
    gtx_write_pubkey(&w, a->key);
    gtx_write_pubkey(&w, a->owner);
  }
  GTX_REQUIRE(gtx_writer_ok(&w), GTX_E_ACCOUNT_DID_NOT_SERIALIZE);
  return GTX_SUCCESS;
}
