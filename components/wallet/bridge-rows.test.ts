import { describe, expect, it } from "vitest";
import { depositInFlight, depositRows, withdrawalInFlight, withdrawalRows, type ChainWithdrawal, type DepositProgress, type ThbTransfer } from "./bridge-rows";

const THB = 1_000_000n;
const t0 = new Date("2026-12-04T10:00:00Z");

function progress(p: Partial<DepositProgress> & Pick<DepositProgress, "thbTransferId" | "state">): DepositProgress {
  return {
    depositId: "d".repeat(64),
    confirmations: 0,
    confirmationsRequired: 2,
    amount: 250n * THB,
    memo: "wallet",
    thbFrom: "from",
    signature: null,
    lastError: null,
    seenAt: t0,
    confirmedAt: null,
    submittedAt: null,
    mintedAt: null,
    updatedAt: t0,
    ...p,
  };
}

function transfer(p: Partial<ThbTransfer> & Pick<ThbTransfer, "id">): ThbTransfer {
  return {
    kind: "transfer",
    direction: "out",
    from: "me",
    to: "bridge",
    amount: 10n * THB,
    memo: "wallet",
    status: "pending",
    confirmations: 0,
    confirmationsRequired: 2,
    timestamp: null,
    toBridge: true,
    ...p,
  };
}

describe("depositRows", () => {
  it("follows the service's states: seen → confirming n/k → minting → minted, the bar growing, never raw units in the labels", () => {
    const stages = [
      progress({ thbTransferId: "a", state: "seen" }),
      progress({ thbTransferId: "b", state: "confirming", confirmations: 1 }),
      progress({ thbTransferId: "c", state: "attested", confirmations: 2 }),
      progress({ thbTransferId: "d", state: "minted", confirmations: 2, signature: "sig", mintedAt: new Date(t0.getTime() + 5_000) }),
    ];
    const rows = depositRows(stages, []);
    const byId = new Map(rows.map((r) => [r.thbTransferId, r]));
    expect(["a", "b", "c", "d"].map((id) => [byId.get(id)!.stage, byId.get(id)!.label])).toEqual([
      ["seen", "Seen · 0/2 confirmations"],
      ["confirming", "Confirming 1/2"],
      ["minting", "Confirmed · minting THBC"],
      ["minted", "Minted"],
    ]);
    const bars = ["a", "b", "c", "d"].map((id) => byId.get(id)!.progress!);
    expect(bars).toEqual([...bars].sort((x, y) => x - y));
    expect(bars[3]).toBe(1);
    // The minted one is the newest (its mint time), so it comes first.
    expect(rows[0]!.thbTransferId).toBe("d");
    expect(rows.filter(depositInFlight).map((r) => r.thbTransferId).sort()).toEqual(["a", "b", "c"]);
  });

  it("a row 'seen' that is already in a block reads as confirming; dead ends have no bar and keep their error", () => {
    const [seenInBlock] = depositRows([progress({ thbTransferId: "a", state: "seen", confirmations: 1 })], []);
    expect(seenInBlock).toMatchObject({ stage: "confirming", label: "Confirming 1/2" });
    const dead = depositRows(
      [
        progress({ thbTransferId: "r", state: "rejected", lastError: "DepositOverLimit" }),
        progress({ thbTransferId: "o", state: "reorged" }),
        progress({ thbTransferId: "m", state: "invalid_memo" }),
      ],
      [],
    );
    expect(dead.map((r) => [r.stage, r.progress, depositInFlight(r)])).toEqual([
      ["rejected", null, false],
      ["reorged", null, false],
      ["invalid_memo", null, false],
    ]);
    expect(dead[0]!.lastError).toBe("DepositOverLimit");
  });

  it("adds the user's THB transfers to the bridge the service has not seen yet, once; other transfers are not deposits", () => {
    const rows = depositRows(
      [progress({ thbTransferId: "known", state: "seen" })],
      [
        transfer({ id: "known" }),
        transfer({ id: "new", amount: 7n * THB, timestamp: t0.getTime() + 1_000 }),
        transfer({ id: "gone", status: "dropped", timestamp: t0.getTime() - 1_000 }),
        transfer({ id: "faucet", kind: "fund", direction: "in", toBridge: false }),
        transfer({ id: "payout", direction: "in", toBridge: false, memo: "gtx-withdrawal:x" }),
      ],
    );
    expect(rows.map((r) => [r.thbTransferId, r.stage])).toEqual([
      ["new", "sent"],
      ["known", "seen"],
      ["gone", "reorged"],
    ]);
    expect(rows[0]).toMatchObject({ amount: 7n * THB, label: "Sent · waiting for the bridge" });
  });
});

describe("withdrawalRows", () => {
  const base: ChainWithdrawal = {
    withdrawal: "W1",
    withdrawalId: 0n,
    amount: 40n * THB,
    thbDestination: "00".repeat(32),
    state: "pending",
    thbTxRef: null,
    refundAttested: null,
    requestedSignature: "req",
    requestedAt: t0,
    settledSignature: null,
    settledAt: null,
  };

  it("pending → paying n/k (the payout arriving on the user's THB account, by its memo) → paid; refunded", () => {
    expect(withdrawalRows([base], [])[0]).toMatchObject({ stage: "requested", payout: null });
    const paying = withdrawalRows(
      [base],
      [transfer({ id: "p1", direction: "in", memo: "gtx-withdrawal:W1", confirmations: 1, toBridge: false })],
    )[0]!;
    expect(paying).toMatchObject({ stage: "paying", label: "Paying · 1/2 confirmations", payout: { id: "p1", confirmations: 1 } });
    expect(withdrawalInFlight(paying)).toBe(true);
    // A payout for another withdrawal, or one the THB chain dropped, is not this one's.
    expect(
      withdrawalRows(
        [base],
        [
          transfer({ id: "p2", direction: "in", memo: "gtx-withdrawal:W2", toBridge: false }),
          transfer({ id: "p3", direction: "in", memo: "gtx-withdrawal:W1", status: "dropped", toBridge: false }),
        ],
      )[0]!.stage,
    ).toBe("requested");
    const paid = withdrawalRows([{ ...base, state: "completed", settledAt: t0, settledSignature: "s" }], [])[0]!;
    expect(paid).toMatchObject({ stage: "paid", label: "Paid out in THB" });
    expect(withdrawalInFlight(paid)).toBe(false);
    expect(withdrawalRows([{ ...base, state: "refunded" }], [])[0]!.stage).toBe("refunded");
  });
});
