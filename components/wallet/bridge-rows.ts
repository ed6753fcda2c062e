/**
 * What the Wallet page lists for the THB bridge, from three sources (pure, so it is tested
 * without a browser):
 * - the bridge service's deposit rows (`bridge.depositProgress`: seen → confirming n/k → attested
 *   → submitted → minted, or reorged / invalid memo / rejected / failed);
 * - the user's own THB transfers on the simulator (`thbDev.transfers`): a deposit just sent that
 *   the service has not picked up yet, and the THB payouts of withdrawals arriving (their memo is
 *   `gtx-withdrawal:<Withdrawal PDA>`);
 * - the chain's withdrawals as the indexer mirrors them (`bridge.withdrawals`: pending → completed
 *   / refunded).
 */
import type { RouterOutputs } from "~/lib/trpc/react";

export type DepositProgress = RouterOutputs["bridge"]["depositProgress"][number];
export type ThbTransfer = RouterOutputs["thbDev"]["transfers"][number];
export type ChainWithdrawal = RouterOutputs["bridge"]["withdrawals"][number];

export type DepositStage =
  | "sent"
  | "seen"
  | "confirming"
  | "minting"
  | "minted"
  | "reorged"
  | "invalid_memo"
  | "rejected"
  | "failed";

export interface DepositRow {
  key: string;
  thbTransferId: string;
  amount: bigint;
  stage: DepositStage;
  /** "Confirming 1/2", "Minted", … */
  label: string;
  confirmations: number;
  confirmationsRequired: number;
  /** 0…1 for the progress bar; null for a deposit that will not be minted. */
  progress: number | null;
  /** The THBC-minting transaction, once there is one. */
  signature: string | null;
  at: Date;
  lastError: string | null;
}

/** Steps of the bar: sent, seen, each confirmation, minting, minted. */
function depositProgressFraction(stage: DepositStage, n: number, k: number): number | null {
  const steps = k + 3;
  switch (stage) {
    case "sent":
      return 0.5 / steps;
    case "seen":
      return 1 / steps;
    case "confirming":
      return (1 + Math.min(n, k)) / steps;
    case "minting":
      return (k + 2) / steps;
    case "minted":
      return 1;
    default:
      return null;
  }
}

function depositLabel(stage: DepositStage, n: number, k: number): string {
  switch (stage) {
    case "sent":
      return "Sent · waiting for the bridge";
    case "seen":
      return `Seen · 0/${k} confirmations`;
    case "confirming":
      return `Confirming ${Math.min(n, k)}/${k}`;
    case "minting":
      return "Confirmed · minting THBC";
    case "minted":
      return "Minted";
    case "reorged":
      return "Dropped by the THB chain · not minted";
    case "invalid_memo":
      return "Memo is not a Solana wallet · not minted";
    case "rejected":
      return "Refused by the bridge · not minted";
    case "failed":
      return "Failed · the operator can retry it";
  }
}

const SERVICE_STAGE: Record<DepositProgress["state"], DepositStage> = {
  seen: "seen",
  confirming: "confirming",
  attested: "minting",
  submitted: "minting",
  minted: "minted",
  invalid_memo: "invalid_memo",
  rejected: "rejected",
  reorged: "reorged",
  failed: "failed",
};

/** The user's deposits, newest first: the service's rows, plus THB transfers to the bridge it has not seen yet. */
export function depositRows(progress: readonly DepositProgress[], transfers: readonly ThbTransfer[]): DepositRow[] {
  const rows: DepositRow[] = progress.map((p) => {
    let stage = SERVICE_STAGE[p.state];
    // A row still "seen" that is already in a block reads as its first confirmation.
    if (stage === "seen" && p.confirmations > 0) stage = "confirming";
    return {
      key: p.thbTransferId,
      thbTransferId: p.thbTransferId,
      amount: p.amount,
      stage,
      label: depositLabel(stage, p.confirmations, p.confirmationsRequired),
      confirmations: p.confirmations,
      confirmationsRequired: p.confirmationsRequired,
      progress: depositProgressFraction(stage, p.confirmations, p.confirmationsRequired),
      signature: p.signature,
      at: p.mintedAt ?? p.seenAt,
      lastError: stage === "minted" ? null : p.lastError,
    };
  });
  const known = new Set(progress.map((p) => p.thbTransferId));
  for (const t of transfers) {
    if (!t.toBridge || t.direction !== "out" || known.has(t.id)) continue;
    const stage: DepositStage = t.status === "dropped" ? "reorged" : "sent";
    rows.push({
      key: t.id,
      thbTransferId: t.id,
      amount: t.amount,
      stage,
      label: depositLabel(stage, t.confirmations, t.confirmationsRequired),
      confirmations: t.confirmations,
      confirmationsRequired: t.confirmationsRequired,
      progress: depositProgressFraction(stage, t.confirmations, t.confirmationsRequired),
      signature: null,
      at: new Date(t.timestamp ?? Date.now()),
      lastError: null,
    });
  }
  return rows.sort((a, b) => b.at.getTime() - a.at.getTime());
}

/** Deposits still on their way (the page polls while there are any). */
export const depositInFlight = (r: DepositRow) => r.stage === "sent" || r.stage === "seen" || r.stage === "confirming" || r.stage === "minting";

export const WITHDRAWAL_MEMO_PREFIX = "gtx-withdrawal:";

export type WithdrawalStage = "requested" | "paying" | "paid" | "refunded";

export interface WithdrawalRow {
  key: string;
  withdrawal: string;
  amount: bigint;
  destinationHex: string | null;
  stage: WithdrawalStage;
  label: string;
  /** The THB payout as the user's THB account sees it (when it is paid to that account). */
  payout: { id: string; confirmations: number; confirmationsRequired: number; status: ThbTransfer["status"] } | null;
  requestedAt: Date | null;
  settledAt: Date | null;
  requestedSignature: string | null;
  settledSignature: string | null;
}

export function withdrawalRows(withdrawals: readonly ChainWithdrawal[], transfers: readonly ThbTransfer[]): WithdrawalRow[] {
  const payouts = new Map<string, ThbTransfer>();
  for (const t of transfers) {
    if (t.direction === "in" && t.memo.startsWith(WITHDRAWAL_MEMO_PREFIX) && t.status !== "dropped") {
      payouts.set(t.memo.slice(WITHDRAWAL_MEMO_PREFIX.length), t);
    }
  }
  return withdrawals.map((w) => {
    const p = payouts.get(w.withdrawal);
    const payout = p
      ? { id: p.id, confirmations: p.confirmations, confirmationsRequired: p.confirmationsRequired, status: p.status }
      : null;
    let stage: WithdrawalStage;
    let label: string;
    if (w.state === "completed") {
      stage = "paid";
      label = "Paid out in THB";
    } else if (w.state === "refunded") {
      stage = "refunded";
      label = "Refunded: the THBC is back in your wallet";
    } else if (payout) {
      stage = "paying";
      label = `Paying · ${Math.min(payout.confirmations, payout.confirmationsRequired)}/${payout.confirmationsRequired} confirmations`;
    } else {
      stage = "requested";
      label = "Pending · THBC burned, waiting for the payout";
    }
    return {
      key: w.withdrawal,
      withdrawal: w.withdrawal,
      amount: w.amount,
      destinationHex: w.thbDestination,
      stage,
      label,
      payout,
      requestedAt: w.requestedAt,
      settledAt: w.settledAt,
      requestedSignature: w.requestedSignature,
      settledSignature: w.settledSignature,
    };
  });
}

export const withdrawalInFlight = (r: WithdrawalRow) => r.stage === "requested" || r.stage === "paying";
