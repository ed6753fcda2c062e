/**
 * The THB bridge program in the browser, over our own Connection and the user's wallet
 * (wallet-adapter's AnchorWallet): request_withdrawal is built here and signed by the wallet only.
 */
import { AnchorProvider, Program } from "@coral-xyz/anchor";
import type { AnchorWallet } from "@solana/wallet-adapter-react";
import type { Connection, TransactionInstruction } from "@solana/web3.js";
import { requestWithdrawalInstruction } from "~/programs/thb_bridge/client";
import { thbBridgeIdl, type ThbBridge } from "~/programs/thb_bridge/idl/thb_bridge";

export function thbBridgeProgram(connection: Connection, wallet: AnchorWallet): Program<ThbBridge> {
  const provider = new AnchorProvider(connection, wallet, { commitment: "confirmed", preflightCommitment: "confirmed" });
  return new Program<ThbBridge>(thbBridgeIdl, provider);
}

/** request_withdrawal for the wallet: burns `amount` THBC and records Withdrawal `withdrawalId`. */
export async function buildWithdrawalInstructions(
  program: Program<ThbBridge>,
  p: { withdrawalId: bigint; amount: bigint; thbDestination: Uint8Array },
): Promise<TransactionInstruction[]> {
  const holder = program.provider.publicKey;
  if (!holder) throw new Error("Connect your wallet first.");
  return [
    await requestWithdrawalInstruction(program, {
      holder,
      withdrawalId: p.withdrawalId,
      amount: p.amount,
      thbDestination: p.thbDestination,
    }),
  ];
}
