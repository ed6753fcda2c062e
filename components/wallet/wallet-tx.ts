/**
 * A user's transaction, signed by their own wallet: build → fee payer and recent blockhash →
 * the wallet signs → send (with preflight, so a refusal comes back with its logs) → confirm →
 * on failure, the transaction's logs are fetched and the error decoded
 * (lib/solana/chain-error.ts) into one sentence. Generic: orders, certificates, withdrawals and
 * meter registration all go through it. Plain functions, so the step sequencing and the error
 * mapping are tested without React; `useWalletTx()` (use-wallet-tx.ts) wraps them for components.
 */
import {
  type Connection,
  type Finality,
  type PublicKey,
  Transaction,
  type TransactionInstruction,
} from "@solana/web3.js";
import {
  decodeChainError,
  isProgramRefusal,
  UNKNOWN_PROGRAM_ERROR,
  type ChainErrorContext,
  type DecodedChainError,
} from "~/lib/solana/chain-error";
import { describeError, isUserRejection } from "~/lib/trpc/errors";
import { describeWalletError } from "~/lib/wallet-errors";

/** The steps a progress line shows, in order. */
export type WalletTxStep = "signing" | "sending" | "confirming";
/** Where a run stopped: before the wallet was asked (building, blockhash), or in a step. */
export type WalletTxStage = "preparing" | WalletTxStep;

/** What a wallet must do: wallet-adapter's AnchorWallet, or `useWallet()` with signTransaction. */
export interface WalletTxSigner {
  publicKey: PublicKey;
  signTransaction<T extends Transaction>(tx: T): Promise<T>;
}

export type WalletTxConnection = Pick<
  Connection,
  "getLatestBlockhash" | "sendRawTransaction" | "confirmTransaction" | "getTransaction"
>;

/** The transaction to sign: its instructions, or a Transaction (a fee payer already set stays). */
export type WalletTxBuild = () =>
  | Transaction
  | TransactionInstruction[]
  | Promise<Transaction | TransactionInstruction[]>;

export interface WalletTxOptions {
  /** For the blockhash, the preflight and the confirmation. Default "confirmed". */
  commitment?: Finality;
  /** Skip the preflight simulation (the failure is then read from the landed transaction). */
  skipPreflight?: boolean;
  onStep?: (step: WalletTxStep) => void;
}

export type WalletTxResult =
  | { ok: true; signature: string }
  | {
      ok: false;
      stage: WalletTxStage;
      /** Known once the transaction was sent (it may have landed and failed). */
      signature: string | null;
      /** The wallet declined: nothing was sent. */
      rejected: boolean;
      /** Why the chain refused it, when it did (null for wallet and network failures). */
      chainError: DecodedChainError | null;
      /** One sentence for people. */
      message: string;
      error: unknown;
    };

const DECLINED = "You declined the transaction in your wallet. Nothing was sent.";
const NO_SOL =
  "Your wallet has no SOL to pay the transaction fee and account rent. Fund it with a little SOL first.";

const sentence = (text: string) => text.replace(/\.+$/, "");

/**
 * One sentence for a failed user transaction: a wallet rejection, a program's refusal by its
 * error name ("The Registry refused it: InvalidMeterKey — …"), a wallet error, missing SOL, or
 * the error's own text. `context` tells the decoder which program failed when the error alone
 * does not (see decodeChainError).
 */
export function describeWalletTxError(error: unknown, context: ChainErrorContext = {}): string {
  if (isUserRejection(error)) return DECLINED;
  const d = decodeChainError(error, context);
  const who = `The ${d.programLabel ?? "program"}`;
  if (isProgramRefusal(d)) return `${who} refused it: ${d.name} — ${sentence(d.message)}.`;
  if (d.name === UNKNOWN_PROGRAM_ERROR && d.code !== null) {
    return `${who} refused it: error ${d.code} — The program refused the transaction.`;
  }
  const name = (error as { name?: unknown } | null)?.name;
  if (typeof name === "string" && name.startsWith("Wallet")) return describeWalletError(error);
  if (d.name === "AccountNotFound" || d.name === "InsufficientFundsForFee") return NO_SOL;
  if (error instanceof Error && /insufficient|debit an account|no record of a prior credit/i.test(error.message)) {
    return NO_SOL;
  }
  return describeError(error, error instanceof Error ? error.message : "The transaction failed.");
}

/** The failed run's result for `error` thrown at `stage`. */
export function walletTxFailure(
  error: unknown,
  stage: WalletTxStage,
  signature: string | null,
  context: ChainErrorContext = {},
): Extract<WalletTxResult, { ok: false }> {
  const rejected = isUserRejection(error);
  const decoded = rejected ? null : decodeChainError(error, context);
  const chainError =
    decoded && (isProgramRefusal(decoded) || decoded.kind === "runtime" || decoded.code !== null) ? decoded : null;
  return { ok: false, stage, signature, rejected, chainError, message: describeWalletTxError(error, context), error };
}

/** Runs one wallet transaction; never throws (a failure is a result). */
export async function runWalletTx(
  deps: { connection: WalletTxConnection; wallet: WalletTxSigner | null | undefined },
  build: WalletTxBuild,
  options: WalletTxOptions = {},
): Promise<WalletTxResult> {
  const { connection, wallet } = deps;
  const commitment = options.commitment ?? "confirmed";
  let stage: WalletTxStage = "preparing";
  let signature: string | null = null;
  const context: { instructionProgramIds: string[] } = { instructionProgramIds: [] };
  const enter = (step: WalletTxStep) => {
    stage = step;
    options.onStep?.(step);
  };
  try {
    if (!wallet) throw Object.assign(new Error("Connect your wallet first."), { name: "WalletNotConnectedError" });
    const built = await build();
    const tx = built instanceof Transaction ? built : new Transaction().add(...built);
    context.instructionProgramIds = tx.instructions.map((ix) => ix.programId.toBase58());
    const latest = await connection.getLatestBlockhash(commitment);
    tx.feePayer ??= wallet.publicKey;
    tx.recentBlockhash = latest.blockhash;

    enter("signing");
    const signed = await wallet.signTransaction(tx);
    enter("sending");
    signature = await connection.sendRawTransaction(signed.serialize(), {
      skipPreflight: options.skipPreflight ?? false,
      preflightCommitment: commitment,
    });
    enter("confirming");
    const result = await connection.confirmTransaction({ signature, ...latest }, commitment);
    if (result.value.err) {
      // The confirmation says only which instruction failed; the logs say which program and why.
      const landed = await connection
        .getTransaction(signature, { commitment, maxSupportedTransactionVersion: 0 })
        .catch(() => null);
      throw Object.assign(new Error(`Transaction failed: ${JSON.stringify(result.value.err)}`), {
        err: result.value.err,
        logs: landed?.meta?.logMessages ?? [],
      });
    }
    return { ok: true, signature };
  } catch (error) {
    return walletTxFailure(error, stage, signature, context);
  }
}
