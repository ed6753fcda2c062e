/*
 * Test-only consumer of the oracle, built by checks.test.ts (never deployed). It reads the
 * reference price the way the Trading program will: a CPI into get_price or get_fresh_price,
 * then sol_get_return_data, checking that the data came from the oracle program itself. It
 * republishes the 25 PriceData bytes as its own return data so the test can compare them.
 *
 * Instruction data: one byte, 0 = get_price, 1 = get_fresh_price.
 * Accounts:
 *   0. [] oracle_program
 *   1. [] oracle - the Oracle PDA
 */
#include <gen/oracle.h>

uint64_t entrypoint(const uint8_t *input) {
  GtxAccountInfo accounts[2];
  GtxInput in;
  gtx_deserialize(input, &in, accounts, 2);
  GTX_REQUIRE(in.data_len == 1 && in.data[0] <= 1, GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  GTX_REQUIRE(in.account_count >= 2, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *program = &accounts[0], *oracle = &accounts[1];
  /* Only the real oracle program; it in turn checks that `oracle` is its own PDA. */
  GTX_REQUIRE(gtx_pubkey_eq(program->key, &ORACLE_PROGRAM_ID), GTX_E_INVALID_PROGRAM_ID);

  uint64_t disc[1] = {in.data[0] ? ORACLE_IX_GET_FRESH_PRICE_DISC : ORACLE_IX_GET_PRICE_DISC};
  GtxAccountMeta meta = {oracle->key, false, false};
  GtxInstruction ix = {program->key, &meta, 1, (const uint8_t *)disc, 8};
  /* The oracle's own errors (PriceNotSet, PriceStale...) propagate unchanged. */
  uint64_t err = gtx_invoke(&ix, oracle, 1);
  if (err) return err;

  uint64_t buf[4];
  GtxPubkey from;
  uint64_t n = sol_get_return_data((uint8_t *)buf, sizeof(buf), &from);
  /* Return data can be set by any program in the call chain: trust it only from the oracle. */
  if (n != 25 || !gtx_pubkey_eq(&from, program->key)) return GTX_ERR_INVALID_ACCOUNT_DATA;
  gtx_set_return_data((const uint8_t *)buf, n);
  return GTX_SUCCESS;
}
