/**
 * thb_bridge compute units over many seeded deposit ids (the Deposit PDA's bump search varies
 * with the id, so each is held to the budget its bump implies) and for every instruction, pinned
 * with expectCu. The figures go into programs/thb_bridge/README.md.
 */
import { Keypair, type TransactionInstruction } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { expectCu, expectOk } from "~/programs/harness";
import { BridgeFixture, LIMITS, THB, depositBump, seededDepositId } from "./fixture";

/** Pins: bump 255 measured 5,485 (1 of 1) and 5,640 (2 of 3); each bump below 255 355–375 more. */
const CU = { deposit1of1Bump255: 5_500, deposit2of3Bump255: 5_650, perExtraBump: 380 };

const range = (xs: number[]) => `${Math.min(...xs)}–${Math.max(...xs)} (median ${[...xs].sort((a, b) => a - b)[xs.length >> 1]})`;

describe("compute units", () => {
  it("deposit stays within 10,000 CU with 1 attestor for 40 seeded deposit ids, and with 2 of 3, each within its bump's budget", async () => {
    // Seeded ids, not random ones: the Deposit PDA's bump search costs ~365 CU per bump below
    // 255, so random ids made these figures (and a fixed ceiling) vary from run to run.
    const one = new BridgeFixture();
    await one.initialize();
    const user = one.holder();
    const cus: number[] = [];
    const bumps = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const depositId = seededDepositId(i);
      const bump = depositBump(depositId);
      bumps.add(bump);
      const r = expectOk(await one.deposit(one.depositParams(user.wallet.publicKey, THB, { depositId })));
      cus.push(expectCu(r, { max: Math.min(10_000, CU.deposit1of1Bump255 + (255 - bump) * CU.perExtraBump) }));
    }
    expect(bumps.size).toBeGreaterThan(2); // bumps below 255 included
    const two = new BridgeFixture({ attestors: 3, threshold: 2 });
    await two.initialize();
    const u2 = two.holder();
    const cus2: number[] = [];
    for (let i = 0; i < 20; i++) {
      const depositId = seededDepositId(100 + i);
      const bump = depositBump(depositId);
      const r = expectOk(await two.deposit(two.depositParams(u2.wallet.publicKey, THB, { depositId })));
      cus2.push(expectCu(r, { max: Math.min(10_000, CU.deposit2of3Bump255 + (255 - bump) * CU.perExtraBump) }));
    }
    console.log(`deposit 1 of 1: ${range(cus)} CU (bumps ${[...bumps].sort().join(", ")}); 2 of 3: ${range(cus2)} CU`);
  });

  it("deposit with 11 bumps tried (bump 244) still fits 10,000 CU with 1 attestor", async () => {
    const f = new BridgeFixture();
    await f.initialize();
    const user = f.holder();
    const depositId = seededDepositId(0, 244);
    const r = expectOk(await f.deposit(f.depositParams(user.wallet.publicKey, THB, { depositId })));
    console.log(`deposit 1 of 1, bump 244: ${expectCu(r, { max: Math.min(10_000, CU.deposit1of1Bump255 + 11 * CU.perExtraBump) })} CU`);
  });

  it("every other instruction", async () => {
    const f = new BridgeFixture({ attestors: 3, threshold: 1 });
    const init = expectCu(await f.initialize(), { max: 7_000 });
    const user = f.holder();
    expectOk(await f.deposit(f.depositParams(user.wallet.publicKey, 100n * THB)));
    const req: number[] = [], done: number[] = [], ref: number[] = [], refT: number[] = [];
    for (let i = 0; i < 10; i++) {
      const a = await f.request(user.wallet, THB);
      req.push(expectCu(expectOk(a.r), { max: 8_000 }));
      const b = await f.request(user.wallet, THB);
      const c = await f.request(user.wallet, THB);
      done.push(expectCu(expectOk(await f.complete(a.withdrawal)), { max: 2_500 }));
      ref.push(expectCu(expectOk(await f.refund(b.withdrawal)), { max: 4_000 }));
      f.chain.advanceTime(Number(LIMITS.withdrawalTimeoutSecs));
      refT.push(expectCu(expectOk(await f.refund(c.withdrawal, { timeout: true })), { max: 3_500 }));
    }
    const admin = f.admin;
    const cu = async (ix: Promise<TransactionInstruction>, signer: Keypair, max: number) =>
      expectCu(expectOk(f.chain.send(await ix, [signer])), { max });
    const pause = await cu(f.pauseIx(), admin, 800);
    const unpause = await cu(f.unpauseIx(), admin, 800);
    const limits = await cu(f.setLimitsIx(LIMITS), admin, 800);
    const keys = [Keypair.generate(), Keypair.generate(), Keypair.generate()].map((k) => k.publicKey);
    const attestors = await cu(f.proposeAttestorsIx(keys, 2), admin, 2_000);
    const next = f.chain.newKeypair();
    const transfer = await cu(f.transferAdminIx(next.publicKey), admin, 1_000);
    const accept = await cu(f.acceptAdminIx(next.publicKey), next, 800);
    console.log(
      [
        `initialize (3 attestors): ${init}`,
        `request_withdrawal: ${range(req)}`,
        `complete_withdrawal (1 of 3): ${range(done)}`,
        `refund_withdrawal attested: ${range(ref)}; timeout: ${range(refT)}`,
        `pause ${pause}, unpause ${unpause}, set_limits ${limits}, propose_attestors (3) ${attestors}, transfer_admin ${transfer}, accept_admin ${accept}`,
      ].join("\n"),
    );
  });
});
