/**
 * Client for the counter example program: its PDA and instructions. Browser-safe (no Node
 * modules; `Program` is a type import only), like the other programs' clients.
 */
import type { Program } from "@coral-xyz/anchor";
import BN from "bn.js";
import { PublicKey, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import { COUNTER_PROGRAM_ID, type Counter } from "./idl/counter";

export const COUNTER_ID = new PublicKey(COUNTER_PROGRAM_ID);

/** The authority's counter, PDA ["counter", authority]. */
export const counterAddress = (authority: PublicKey) =>
  PublicKey.findProgramAddressSync(
    [new TextEncoder().encode("counter"), authority.toBytes()],
    COUNTER_ID,
  )[0];

export function counterInitializeInstruction(
  program: Program<Counter>,
  authority: PublicKey,
): Promise<TransactionInstruction> {
  return program.methods
    .initialize()
    .accountsStrict({
      authority,
      counter: counterAddress(authority),
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/** add(amount); the program emits CounterIncremented with the new count. */
export function counterAddInstruction(
  program: Program<Counter>,
  authority: PublicKey,
  amount: bigint,
): Promise<TransactionInstruction> {
  return program.methods
    .add(new BN(amount.toString()))
    .accountsStrict({ authority, counter: counterAddress(authority) })
    .instruction();
}
