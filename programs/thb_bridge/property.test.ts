/**
 * Property test (fast-check) of the bridge's supply invariant: over random sequences of deposits
 * (fresh ids, replayed ids, over-limit amounts, forged attestations), withdrawal requests (within
 * and beyond the balance), completions, attested and timed-out refunds (also of withdrawals
 * already resolved), at every step
 *
 *   THBC supply = Σ minted deposits − Σ withdrawals not refunded
 *               = total_deposited − total_withdrawn + total_refunded (the Bridge's own totals),
 *
 * every holder's balance equals the model's, and every refused step changed nothing.
 */
import type { PublicKey } from "@solana/web3.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectUnchanged, mintSupply, tokenBalance, type TxResult } from "~/programs/harness";
import { depositAddress, depositAttestation, withdrawalAddress } from "./client";
import type { DepositParams } from "./client";
import { BridgeFixture, THB, rand32 } from "./fixture";

const HOLDERS = 3;
const MAX_PER_DEPOSIT = 1_000n * THB;

type Command =
  | { kind: "deposit"; holder: number; amount: bigint; forged: boolean }
  | { kind: "replay"; pick: number; amount: bigint }
  | { kind: "request"; holder: number; percent: number }
  | { kind: "complete"; pick: number }
  | { kind: "refund"; pick: number; timeout: boolean }
  | { kind: "wait"; seconds: number };

const amount = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: 1n, max: MAX_PER_DEPOSIT }) },
  { weight: 1, arbitrary: fc.constantFrom(0n, MAX_PER_DEPOSIT + 1n, (1n << 64n) - 1n) },
);
const TIMEOUT = 600;
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("deposit" as const), holder: fc.nat(HOLDERS - 1), amount, forged: fc.nat(4).map((n) => n === 0) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("replay" as const), pick: fc.nat(), amount }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("request" as const), holder: fc.nat(HOLDERS - 1), percent: fc.integer({ min: 0, max: 120 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("complete" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("refund" as const), pick: fc.nat(), timeout: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 1, max: 2 * TIMEOUT }) }) },
);

describe("supply invariant (fast-check)", () => {
  it("THBC supply = Σ deposits − Σ withdrawals not refunded, at every step", async () => {
    // How often each kind of step succeeded, over all runs: the property must reach them all.
    const succeeded = { deposit: 0, request: 0, complete: 0, refund: 0, timeoutRefund: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 30 }), async (cmds) => {
        const f = new BridgeFixture({ attestors: 2, threshold: 1 });
        await f.initialize({ maxPerDeposit: MAX_PER_DEPOSIT, maxPerDay: 1_000_000n * THB, withdrawalTimeoutSecs: BigInt(TIMEOUT) });
        const holders = Array.from({ length: HOLDERS }, () => f.holder());
        const balance = holders.map(() => 0n);
        const deposits: DepositParams[] = [];
        const withdrawals: { address: PublicKey; holder: number; amount: bigint; status: "pending" | "completed" | "refunded"; at: number }[] = [];
        let deposited = 0n, withdrawn = 0n, refunded = 0n, now = 0;
        const watched = () => f.snapshot([...holders.map((h) => h.token), ...withdrawals.map((w) => w.address)]);
        const refusedUnchanged = (r: TxResult, before: ReturnType<typeof watched>) => {
          if (!r.ok) expectUnchanged(f.chain, before);
          return r.ok;
        };

        // Every run starts with each holder funded and one pending withdrawal each, so the random
        // steps find something to withdraw, complete and refund from the first command on.
        for (const [i, h] of holders.entries()) {
          const d = f.depositParams(h.wallet.publicKey, MAX_PER_DEPOSIT);
          expect((await f.deposit(d)).ok).toBe(true);
          deposits.push(d);
          balance[i] = MAX_PER_DEPOSIT;
          deposited += MAX_PER_DEPOSIT;
          const address = withdrawalAddress(f.state().withdrawalCount);
          expect((await f.request(h.wallet, THB)).r.ok).toBe(true);
          withdrawals.push({ address, holder: i, amount: THB, status: "pending", at: 0 });
          balance[i] -= THB;
          withdrawn += THB;
        }

        for (const c of cmds) {
          const before = watched();
          if (c.kind === "deposit") {
            const d = f.depositParams(holders[c.holder]!.wallet.publicKey, c.amount);
            const message = c.forged ? f.message(depositAttestation({ ...d, thbTxRef: rand32() })) : undefined;
            const ok = refusedUnchanged(f.chain.send(await f.depositIxs(d, { message })), before);
            expect(ok).toBe(!c.forged && c.amount > 0n && c.amount <= MAX_PER_DEPOSIT);
            if (ok) {
              succeeded.deposit++;
              deposits.push(d);
              balance[c.holder]! += c.amount;
              deposited += c.amount;
            }
          } else if (c.kind === "replay") {
            if (deposits.length === 0) continue;
            const d = deposits[c.pick % deposits.length]!;
            expect(refusedUnchanged(await f.deposit({ ...d, amount: c.amount }), before)).toBe(false);
            expect(f.depositState(d.depositId)!.amount).toBe(d.amount);
          } else if (c.kind === "request") {
            // A share of the holder's balance: 0 % (ZeroAmount), up to 100 %, or beyond it.
            const h = holders[c.holder]!;
            const amount = c.percent === 120 ? (1n << 64n) - 1n : c.percent > 100 ? balance[c.holder]! + 1n : (balance[c.holder]! * BigInt(c.percent)) / 100n;
            const address = withdrawalAddress(f.state().withdrawalCount);
            const { r } = await f.request(h.wallet, amount);
            const ok = refusedUnchanged(r, before);
            expect(ok).toBe(amount > 0n && amount <= balance[c.holder]!);
            if (ok) {
              succeeded.request++;
              withdrawals.push({ address, holder: c.holder, amount, status: "pending", at: now });
              balance[c.holder]! -= amount;
              withdrawn += amount;
            }
          } else if (c.kind === "complete") {
            if (withdrawals.length === 0) continue;
            const w = withdrawals[c.pick % withdrawals.length]!;
            const ok = refusedUnchanged(await f.complete(w.address), before);
            expect(ok).toBe(w.status === "pending");
            if (ok) {
              succeeded.complete++;
              w.status = "completed";
            }
          } else if (c.kind === "refund") {
            if (withdrawals.length === 0) continue;
            const w = withdrawals[c.pick % withdrawals.length]!;
            const ok = refusedUnchanged(await f.refund(w.address, { timeout: c.timeout }), before);
            expect(ok).toBe(w.status === "pending" && (!c.timeout || now - w.at >= TIMEOUT));
            if (ok) {
              succeeded[c.timeout ? "timeoutRefund" : "refund"]++;
              w.status = "refunded";
              balance[w.holder]! += w.amount;
              refunded += w.amount;
            }
          } else {
            f.chain.advanceTime(c.seconds);
            now += c.seconds;
          }

          // The invariant, from the chain and from the model.
          const supply = mintSupply(f.chain, f.mint);
          const s = f.state();
          const notRefunded = withdrawals.filter((w) => w.status !== "refunded").reduce((n, w) => n + w.amount, 0n);
          expect(supply).toBe(deposits.reduce((n, d) => n + d.amount, 0n) - notRefunded);
          expect(supply).toBe(s.totalDeposited - s.totalWithdrawn + s.totalRefunded);
          expect([s.totalDeposited, s.totalWithdrawn, s.totalRefunded]).toEqual([deposited, withdrawn, refunded]);
          holders.forEach((h, i) => expect(tokenBalance(f.chain, h.token)).toBe(balance[i]));
        }
        // Every minted deposit has its record; nothing else was minted.
        for (const d of deposits) expect(f.chain.getAccount(depositAddress(d.depositId))).not.toBeNull();
        expect(f.state().depositCount).toBe(BigInt(deposits.length));
      }),
      { numRuns: 30 },
    );
    for (const [kind, n] of Object.entries(succeeded)) expect(n, kind).toBeGreaterThan(0);
  }, 120_000);
});
