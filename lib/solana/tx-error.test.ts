import { Keypair, SystemProgram, Transaction } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { Svm } from "./svm";
import { customErrorCode, txErrorText, type TransactionErrorJson } from "./tx-error";

describe("transaction errors", () => {
  it("agave's Display text for fieldless, instruction and indexed errors", () => {
    expect(txErrorText("BlockhashNotFound")).toBe("Blockhash not found");
    expect(txErrorText({ InstructionError: [0, { Custom: 6000 }] })).toBe(
      "Error processing Instruction 0: custom program error: 0x1770",
    );
    expect(txErrorText({ InstructionError: [1, "MissingRequiredSignature"] })).toBe(
      "Error processing Instruction 1: missing required signature for instruction",
    );
    expect(txErrorText({ InsufficientFundsForRent: { account_index: 2 } })).toBe(
      "Transaction results in an account (2) with insufficient funds for rent",
    );
  });

  it("customErrorCode finds the code of a custom InstructionError only", () => {
    expect(customErrorCode({ InstructionError: [0, { Custom: 6001 }] })).toBe(6001);
    const others: (TransactionErrorJson | null)[] = [null, "AccountNotFound", { InstructionError: [0, "InvalidArgument"] }];
    for (const e of others) expect(customErrorCode(e)).toBeNull();
  });

  it("LiteSVM's errors come out by their agave names (the name tables match the binding)", () => {
    const svm = Svm.standalone();
    const payer = Keypair.generate();
    const transfer = (lamports: number, blockhash: string) => {
      const tx = new Transaction({ feePayer: payer.publicKey, blockhash, lastValidBlockHeight: 0 }).add(
        SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports }),
      );
      tx.sign(payer);
      return svm.send(tx.serialize(), false).err;
    };
    expect(transfer(1, svm.latestBlockhash())).toBe("AccountNotFound");
    expect(svm.airdrop(payer.publicKey.toBytes(), 1_000_000_000n)).toEqual({ err: null });
    expect(transfer(1, Keypair.generate().publicKey.toBase58())).toBe("BlockhashNotFound");
    expect(transfer(2_000_000_000, svm.latestBlockhash())).toEqual({ InstructionError: [0, { Custom: 1 }] });
  });
});
