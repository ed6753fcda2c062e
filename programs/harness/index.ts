/**
 * Program test harness: LiteSVM in-process with our real .so files at the Anchor.toml ids.
 *
 *   const chain = TestChain.create();
 *   const program = chain.program(counterIdl);
 *   const r = chain.send(await program.methods.increment().accountsStrict({...}).instruction(), [authority]);
 *   expectOk(r); expectCu(r, { max: 4000 }); chain.events(program, r);
 *   expectAnchorError(r, "Unauthorized", counterIdl);
 */
export { bn, toBigInt, type BigNum } from "./bn";
export {
  DEPLOY_DIR,
  TestChain,
  type AccountState,
  type Instructions,
  type SendOptions,
  type TxResult,
} from "./chain";
export {
  expectAnchorError,
  expectCu,
  expectOk,
  expectTxError,
  expectUnchanged,
  lookupError,
} from "./assert";
export {
  createAta,
  createMint,
  mintSupply,
  mintTo,
  tokenBalance,
  type MintOptions,
} from "./tokens";
// The transaction-error decoder is lib/solana's (one for the harness, the local chain and the app).
export { customErrorCode, type TransactionErrorJson } from "~/lib/solana/tx-error";
export { transactionErrorJson } from "~/lib/solana/svm";
