/**
 * The Trading program in the browser, over our own Connection and the user's wallet: create_order
 * and cancel_order are built here from what `orders.prepareCreateOrder` / `prepareCancelOrder`
 * answered, with programs/trading/client.ts, and signed by the wallet only (useWalletTx).
 */
import { AnchorProvider, Program } from "@coral-xyz/anchor";
import { createAssociatedTokenAccountIdempotentInstruction } from "@solana/spl-token";
import type { AnchorWallet } from "@solana/wallet-adapter-react";
import { PublicKey, type Connection, type TransactionInstruction } from "@solana/web3.js";
import { describeWalletTxError } from "~/components/wallet/wallet-tx";
import { getAppError, describeError } from "~/lib/trpc/errors";
import type { RouterOutputs } from "~/lib/trpc/react";
import { cancelOrderInstruction, createOrderInstruction } from "~/programs/trading/client";
import { TRADING_PROGRAM_ID, tradingIdl, type Trading } from "~/programs/trading/idl/trading";

export const TRADING = { programId: TRADING_PROGRAM_ID };

export function tradingProgram(connection: Connection, wallet: AnchorWallet): Program<Trading> {
  const provider = new AnchorProvider(connection, wallet, { commitment: "confirmed", preflightCommitment: "confirmed" });
  return new Program<Trading>(tradingIdl, provider);
}

type PreparedCreate = RouterOutputs["orders"]["prepareCreateOrder"];
type PreparedCancel = RouterOutputs["orders"]["prepareCancelOrder"];

const key = (s: string) => new PublicKey(s);

/** create_order exactly as prepared (the server picked a fresh client order id and the accounts). */
export async function buildCreateOrder(program: Program<Trading>, p: PreparedCreate): Promise<TransactionInstruction[]> {
  const owner = key(p.owner);
  // The account the order's fills pay into, created (idempotently, the owner paying) when missing.
  const creates = p.createAccounts.map((a) =>
    createAssociatedTokenAccountIdempotentInstruction(owner, key(a.address), owner, key(a.mint)),
  );
  return [
    ...creates,
    await createOrderInstruction(program, {
      owner: key(p.owner),
      side: p.side,
      clientOrderId: p.clientOrderId,
      amountWh: p.amountWh,
      limitPrice: p.limitPrice,
      expiresAt: p.expiresAt,
      ownerTokenAccount: key(p.ownerTokenAccount),
      vault: key(p.vault),
      market: key(p.market),
      oracle: key(p.oracle),
      order: key(p.order),
    }),
  ];
}

/** The token accounts a payout needs (idempotent creation), then cancel_order. */
export async function buildCancelOrder(program: Program<Trading>, p: PreparedCancel): Promise<TransactionInstruction[]> {
  const owner = key(p.owner);
  const creates = p.createAccounts.map((a) =>
    createAssociatedTokenAccountIdempotentInstruction(owner, key(a.address), owner, key(a.mint)),
  );
  return [
    ...creates,
    await cancelOrderInstruction(program, {
      owner,
      order: key(p.order),
      market: key(p.market),
      gridVault: key(p.gridVault),
      thbcVault: key(p.thbcVault),
      ownerGrid: key(p.ownerGrid),
      ownerThbc: key(p.ownerThbc),
      feeDestination: key(p.feeDestination),
    }),
  ];
}

/** A failed wallet transaction of the Trade page in one sentence ("The Trading program refused it: OracleStale — …"). */
export const describeTradeTxError = (error: unknown) => describeWalletTxError(error, TRADING);

/**
 * A refused prepare call: the server's own sentence for the market's rules (CONFLICT,
 * VALIDATION_FAILED, NOT_FOUND, FORBIDDEN carry a client-safe message written for this), else the
 * generic text of the code.
 */
export function describePrepareError(error: unknown): string {
  const app = getAppError(error);
  if (app && ["CONFLICT", "VALIDATION_FAILED", "NOT_FOUND", "FORBIDDEN"].includes(app.code) && app.message !== app.code)
    return `${app.message.replace(/\.?$/, ".")} Nothing was sent.`;
  return describeError(error);
}
