/**
 * Green orders: Trading and Governance together on LiteSVM with the real registry.so,
 * energy_token.so, governance.so, oracle.so and trading.so. A green sell locks certificate volume
 * (Governance's lock_for_order, signed by the market PDA), each fill hands the filled Wh to the
 * buyer as a certificate of the same provenance, cancel / close release the rest; a green-only buy
 * fills only against green sells; one certificate backs one order at a time.
 */
import { PublicKey, type Keypair, type TransactionInstruction } from "@solana/web3.js";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createAta,
  expectAnchorError,
  expectOk,
  expectUnchanged,
  mintTo,
} from "~/programs/harness";
import { fillCertificateAddress, unlockInstruction } from "../governance/client";
import { GovernanceFixture } from "../governance/fixture";
import { governanceIdl } from "../governance/idl/governance";
import type { TestMeter } from "../registry/fixture";
import { matchOrdersInstruction, type Fill } from "./client";
import {
  CU,
  createOrderBudget,
  GRID_FUNDS,
  RETAIL,
  THBC_FUNDS,
  TradingFixture,
  type Trader,
} from "./fixture";
import { tradingIdl } from "./idl/trading";

/**
 * Green fill overhead over a plain fill. The issue's budget is 4,000 CU: a fill that adds to the
 * buyer's existing certificate meets it; the first fill of a (certificate, buy order) pair also
 * creates that certificate (a System create_account CPI inside Governance's CPI, and Governance
 * finds its PDA's canonical bump) and is pinned for a bump-255 PDA plus one try per lower bump —
 * over the target, noted in the README. PDA bumps follow from random keys, so every pin that
 * derives a PDA is a function of the bump: a fixed pin would fail on unlucky keys.
 */
const GREEN_FILL_OVERHEAD = 4_000;
const GREEN_FIRST_FILL_OVERHEAD = 5_500;
/** One more sha256 + curve check per bump below 255 (as in Trading's own create_order pin). */
const PER_BUMP_TRY = CU.perBumpTry;
/** Measured: a green create_order over a plain one (the lock CPI) and a green cancel (the unlock CPI). */
const GREEN_CU = { lockOverhead: 2_300, cancelOrder: 2_100 };

let g: GovernanceFixture;
let f: TradingFixture;

beforeEach(async () => {
  g = await GovernanceFixture.create({ programs: ["oracle", "trading"] });
  f = new TradingFixture(g.chain);
  await f.setupChain();
  expectOk(f.chain.send(await f.initIx(), [f.deployer]));
});

/** A trader whose wallet is `kp` (a meter owner), funded like fixture traders. */
function traderOf(kp: Keypair, grid = GRID_FUNDS, thbc = THBC_FUNDS): Trader {
  const t = {
    kp,
    grid: createAta(f.chain, kp.publicKey, f.gridMint),
    thbc: createAta(f.chain, kp.publicKey, f.thbcMint),
  };
  if (grid > 0n) mintTo(f.chain, f.gridMint, t.grid, f.mintAuthority, grid);
  if (thbc > 0n) mintTo(f.chain, f.thbcMint, t.thbc, f.mintAuthority, thbc);
  f.deposited.grid += grid;
  f.deposited.thbc += thbc;
  return t;
}

interface Seller {
  meter: TestMeter;
  trader: Trader;
  certificate: PublicKey;
}

/** A prosumer with `produced` Wh of verified generation and a validated certificate for `certified`. */
async function greenSeller(
  produced = 50_000n,
  certified = 20_000n,
  validate = true,
): Promise<Seller> {
  const meter = await g.meterWithProduction(produced);
  const certificate = await g.issue(meter, 1n, certified);
  if (validate) await g.validate(certificate);
  return { meter, trader: traderOf(meter.owner), certificate };
}

async function greenSellTx(s: Seller, id: bigint, amountWh: bigint, certificate = s.certificate) {
  return f.createTx(s.trader, { side: "sell", id, amountWh, limitPrice: RETAIL }, { certificate });
}

async function greenSell(s: Seller, id: bigint, amountWh: bigint) {
  return expectOk(f.sendCreate(await greenSellTx(s, id, amountWh)));
}

async function buy(t: Trader, id: bigint, amountWh: bigint, greenOnly = false) {
  return expectOk(
    f.sendCreate(
      await f.createTx(t, { side: "buy", id, amountWh, limitPrice: RETAIL }, { greenOnly }),
    ),
  );
}

const greenFill = (
  buyer: Trader,
  buyId: bigint,
  s: Seller,
  sellId: bigint,
  amountWh: bigint,
): Fill => f.fill(buyer, buyId, s.trader, sellId, amountWh, { sellCertificate: s.certificate });

const matchIx = (fills: Fill[]): TransactionInstruction =>
  matchOrdersInstruction(f.program, { fills, payer: f.chain.payer.publicKey });

const cancelGreenIx = (s: Seller, id: bigint) =>
  f.cancelIx(s.trader, id, { certificate: s.certificate });

/** Σ certificate volume over `certs` (every certificate of the test). */
const volumeOf = (certs: PublicKey[]) =>
  certs.reduce((sum, c) => sum + (g.certificate(c)?.volumeWh ?? 0n), 0n);

function refuse(
  ixs: TransactionInstruction | TransactionInstruction[],
  signers: Keypair[],
  name: string,
  watch: PublicKey[],
  idl: typeof tradingIdl | typeof governanceIdl = tradingIdl,
) {
  const before = f.chain.snapshot(watch);
  expectAnchorError(f.chain.send(ixs, signers), name, idl);
  expectUnchanged(f.chain, before);
}

describe("green sell orders", () => {
  it("create_order(green) locks the order's amount of a validated certificate; the order names it", async () => {
    const s = await greenSeller();
    const r = await greenSell(s, 1n, 8_000n);
    const order = f.orderOf(s.trader, 1n);
    const cert = g.certificate(s.certificate)!;
    expect(cert.lockedWh).toBe(8_000n);
    expect(cert.lockedOrder.equals(order)).toBe(true);
    expect(cert.volumeWh).toBe(20_000n);
    const o = f.program.coder.accounts.decode<{ certificate: PublicKey; greenOnly: boolean }>(
      "order",
      f.chain.getAccount(order)!.data,
    );
    expect(o.certificate.equals(s.certificate)).toBe(true);
    expect(o.greenOnly).toBe(false);
    const created = f.event(r, "orderCreated");
    expect(created.certificate).toEqual(s.certificate);
    const orderBump = f.orderState(order)!.bump;
    expect(r.computeUnits).toBeLessThanOrEqual(createOrderBudget(orderBump) + GREEN_CU.lockOverhead);
  });

  it("a green fill hands the filled Wh to the buyer as a certificate of the same provenance; a second fill adds to it", async () => {
    const s = await greenSeller();
    await greenSell(s, 1n, 10_000n);
    const buyer = f.trader();
    await buy(buyer, 1n, 6_000n, true);
    const claimed = g.grid.meterState(s.meter.meter).claimedErcGen;
    const r1 = expectOk(f.chain.send(matchIx([greenFill(buyer, 1n, s, 1n, 2_500n)])));
    const buyerCert = fillCertificateAddress(s.certificate, f.orderOf(buyer, 1n));
    const c = g.certificate(buyerCert)!;
    const src = g.certificate(s.certificate)!;
    expect(c.owner.equals(buyer.kp.publicKey)).toBe(true);
    expect(c.volumeWh).toBe(2_500n);
    expect(c.parent.equals(s.certificate)).toBe(true);
    expect(c.origin.equals(src.origin)).toBe(true);
    expect(c.meter.equals(s.meter.meter)).toBe(true);
    expect([c.periodStart, c.periodEnd, c.zoneId, c.meterType]).toEqual([
      src.periodStart,
      src.periodEnd,
      src.zoneId,
      src.meterType,
    ]);
    expect(c.status).toBe("validated");
    expect(c.kind).toBe("fill");
    expect(src.volumeWh).toBe(17_500n);
    expect(src.lockedWh).toBe(7_500n);
    const filled = f.event(r1, "orderFilled");
    expect(filled.green).toBe(true);
    // the second fill of the same pair adds to the same certificate
    expectOk(f.chain.send(matchIx([greenFill(buyer, 1n, s, 1n, 1_000n)])));
    expect(g.certificate(buyerCert)!.volumeWh).toBe(3_500n);
    expect(g.certificate(s.certificate)!.lockedWh).toBe(6_500n);
    // certificate volume is conserved: what the meter claimed, no more, no less
    expect(volumeOf([s.certificate, buyerCert])).toBe(claimed);
    expect(g.grid.meterState(s.meter.meter).claimedErcGen).toBe(claimed);
  });

  it("cancel releases what was not delivered; the certificate can back a new order", async () => {
    const s = await greenSeller();
    await greenSell(s, 1n, 10_000n);
    const buyer = f.trader();
    await buy(buyer, 1n, 4_000n);
    expectOk(f.chain.send(matchIx([greenFill(buyer, 1n, s, 1n, 4_000n)])));
    const r = expectOk(f.chain.send(await cancelGreenIx(s, 1n), [s.trader.kp]));
    const src = g.certificate(s.certificate)!;
    expect(src.lockedWh).toBe(0n);
    expect(src.lockedOrder.equals(PublicKey.default)).toBe(true);
    expect(src.volumeWh).toBe(16_000n);
    expect(r.computeUnits).toBeLessThanOrEqual(GREEN_CU.cancelOrder + CU.cancelOrderAll);
    await greenSell(s, 2n, 16_000n);
    expect(g.certificate(s.certificate)!.lockedWh).toBe(16_000n);
  });

  it("close of a filled green sell releases the lock (nothing left) for anyone", async () => {
    const s = await greenSeller();
    await greenSell(s, 1n, 5_000n);
    const buyer = f.trader();
    await buy(buyer, 1n, 5_000n, true);
    expectOk(f.chain.send(matchIx([greenFill(buyer, 1n, s, 1n, 5_000n)])));
    expectOk(f.chain.send(await f.closeIx(s.trader, 1n, { certificate: s.certificate })));
    const src = g.certificate(s.certificate)!;
    expect([src.lockedWh, src.volumeWh]).toEqual([0n, 15_000n]);
    expect(src.lockedOrder.equals(PublicKey.default)).toBe(true);
  });

  it("green fill overhead: within 4,000 CU of a plain fill into an existing buyer certificate, 5,500 (bump 255) when it creates one", async () => {
    const s = await greenSeller();
    await greenSell(s, 1n, 10_000n);
    const plainSeller = f.trader();
    await f.create(plainSeller, { side: "sell", id: 1n, amountWh: 10_000n, limitPrice: RETAIL });
    const buyer = f.trader();
    await buy(buyer, 1n, 9_000n);
    const plain = expectOk(f.chain.send(f.matchIx([f.fill(buyer, 1n, plainSeller, 1n, 3_000n)])));
    const first = expectOk(f.chain.send(matchIx([greenFill(buyer, 1n, s, 1n, 3_000n)])));
    const again = expectOk(f.chain.send(matchIx([greenFill(buyer, 1n, s, 1n, 3_000n)])));
    const plainCu = f.programCu(plain);
    const fillBump = g.certificate(fillCertificateAddress(s.certificate, f.orderOf(buyer, 1n)))!.bump;
    expect(f.programCu(first) - plainCu).toBeLessThanOrEqual(
      GREEN_FIRST_FILL_OVERHEAD + PER_BUMP_TRY * (255 - fillBump),
    );
    expect(f.programCu(again) - plainCu).toBeLessThanOrEqual(GREEN_FILL_OVERHEAD);
    expect(f.programCu(again)).toBeLessThan(f.programCu(first));
  });
});

describe("green refusals (nothing changes)", () => {
  it("a green sell with an unvalidated, revoked or another owner's certificate", async () => {
    const s = await greenSeller(50_000n, 20_000n, false);
    let tx = await greenSellTx(s, 1n, 1_000n);
    refuse(
      tx.ixs,
      tx.signers,
      "NotValidated",
      [s.certificate, s.trader.grid, tx.order],
      governanceIdl,
    );
    await g.validate(s.certificate);
    const other = await greenSeller();
    await f.refreshOracle(); // the new meter's readings moved the clock by hours
    tx = await greenSellTx(s, 1n, 1_000n, other.certificate);
    refuse(
      tx.ixs,
      tx.signers,
      "NotCertificateOwner",
      [other.certificate, s.trader.grid, tx.order],
      governanceIdl,
    );
    expectOk(f.chain.send(await g.revokeIx(s.certificate), [g.authority]));
    tx = await greenSellTx(s, 1n, 1_000n);
    refuse(
      tx.ixs,
      tx.signers,
      "CertificateIsRevoked",
      [s.certificate, s.trader.grid, tx.order],
      governanceIdl,
    );
  });

  it("more than the certificate's free volume, and one certificate backing two open orders", async () => {
    const s = await greenSeller();
    let tx = await greenSellTx(s, 1n, 20_001n);
    refuse(tx.ixs, tx.signers, "InsufficientFreeVolume", [s.certificate, tx.order], governanceIdl);
    await greenSell(s, 1n, 5_000n);
    tx = await greenSellTx(s, 2n, 5_000n);
    refuse(
      tx.ixs,
      tx.signers,
      "AlreadyLocked",
      [s.certificate, tx.order, s.trader.grid],
      governanceIdl,
    );
  });

  it("a green sell without its certificate accounts; a match or cancel that leaves them out", async () => {
    const s = await greenSeller();
    // made first: a new meter's readings move the clock by hours, past the orders' expiry
    const other = await greenSeller();
    await f.refreshOracle();
    const tx = await greenSellTx(s, 1n, 5_000n);
    const ix = tx.ixs[0]!;
    ix.keys = ix.keys.slice(0, 8);
    refuse([ix], tx.signers, "GreenAccountsMissing", [s.certificate, tx.order]);
    await greenSell(s, 1n, 5_000n);
    const buyer = f.trader();
    await buy(buyer, 1n, 5_000n);
    const order = f.orderOf(s.trader, 1n);
    const watch = [s.certificate, order, f.orderOf(buyer, 1n)];
    // a plain-looking fill of a green sell
    refuse(f.matchIx([f.fill(buyer, 1n, s.trader, 1n, 1_000n)]), [], "GreenAccountsMissing", watch);
    // the wrong certificate named for the sell
    refuse(
      matchIx([{ ...greenFill(buyer, 1n, s, 1n, 1_000n), sellCertificate: other.certificate }]),
      [],
      "CertificateMismatch",
      [...watch, other.certificate],
    );
    // cancel without the certificate: the lock would stay behind
    refuse(await f.cancelIx(s.trader, 1n), [s.trader.kp], "GreenAccountsMissing", watch);
  });

  it("a green-only buy never fills against a plain sell", async () => {
    const plainSeller = f.trader();
    await f.create(plainSeller, { side: "sell", id: 1n, amountWh: 5_000n, limitPrice: RETAIL });
    const buyer = f.trader();
    await buy(buyer, 1n, 5_000n, true);
    refuse(f.matchIx([f.fill(buyer, 1n, plainSeller, 1n, 1_000n)]), [], "GreenOnlyBuy", [
      f.orderOf(buyer, 1n),
      f.orderOf(plainSeller, 1n),
    ]);
  });

  it("Governance's lock, unlock and deliver refuse any caller but the market PDA", async () => {
    const s = await greenSeller();
    await greenSell(s, 1n, 5_000n);
    const order = f.orderOf(s.trader, 1n);
    // the seller signs as "market": only Trading's market PDA, signing through its CPI, may
    const ix = await unlockInstruction(g.program, {
      market: s.trader.kp.publicKey,
      certificate: s.certificate,
      order,
    });
    refuse(ix, [s.trader.kp], "NotMarket", [s.certificate], governanceIdl);
  });
});

describe("green conservation (fast-check)", () => {
  it("GRID, THBC and certificate volume are conserved; green volume handed over = green GRID filled", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            sellWh: fc.integer({ min: 1_000, max: 8_000 }),
            fills: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 3 }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        async (orders) => {
          g = await GovernanceFixture.create({ programs: ["oracle", "trading"] });
          f = new TradingFixture(g.chain);
          await f.setupChain();
          expectOk(f.chain.send(await f.initIx(), [f.deployer]));
          const s = await greenSeller(50_000n, 30_000n);
          const buyer = f.trader();
          const certs = [s.certificate];
          let greenFilled = 0n;
          for (const [i, o] of orders.entries()) {
            const id = BigInt(i + 1);
            await greenSell(s, id, BigInt(o.sellWh));
            await buy(buyer, id, BigInt(o.sellWh), true);
            let left = BigInt(o.sellWh);
            for (const pct of o.fills) {
              const amount = (left * BigInt(pct)) / 100n;
              if (amount < 1n) continue;
              expectOk(f.chain.send(matchIx([greenFill(buyer, id, s, id, amount)])));
              left -= amount;
              greenFilled += amount;
            }
            certs.push(fillCertificateAddress(s.certificate, f.orderOf(buyer, id)));
            // the certificate backs one order at a time: each order ends before the next
            expectOk(
              f.chain.send(
                left === 0n
                  ? await f.closeIx(s.trader, id, { certificate: s.certificate })
                  : await cancelGreenIx(s, id),
                left === 0n ? [] : [s.trader.kp],
              ),
            );
          }
          const claimed = g.grid.meterState(s.meter.meter).claimedErcGen;
          expect(volumeOf(certs)).toBe(claimed);
          const handed = certs
            .slice(1)
            .reduce((sum, c) => sum + (g.certificate(c)?.volumeWh ?? 0n), 0n);
          expect(handed).toBe(greenFilled);
          expect(g.certificate(s.certificate)!.volumeWh).toBe(30_000n - greenFilled);
          // the vaults hold exactly what the open orders hold; tokens are conserved
          const held = f.balance(f.gridVault) + f.balance(buyer.grid) + f.balance(s.trader.grid);
          expect(held).toBe(f.deposited.grid);
          const thbc =
            f.balance(f.thbcVault) +
            f.balance(buyer.thbc) +
            f.balance(s.trader.thbc) +
            f.balance(f.feeAccount);
          expect(thbc).toBe(f.deposited.thbc);
        },
      ),
      { numRuns: 8 },
    );
  }, 240_000);
});
