/**
 * match_orders on LiteSVM with the real trading.so: fills at the maker's price, the fee once per
 * fill (owed by the seller), the buyer's price improvement released to it, several fills per
 * transaction (the same order more than once), CU per fill, what cancel / close then pay out; and
 * every refusal with its named error and no account changed - also when only one fill of several
 * is bad.
 */
import { Keypair, type PublicKey, type TransactionInstruction } from "@solana/web3.js";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createAta,
  expectAnchorError,
  expectCu,
  expectOk,
  expectUnchanged,
} from "~/programs/harness";
import { plain } from "../oracle/fixture";
import { Transaction } from "@solana/web3.js";
import { buyLock, matchOrdersInstruction, type Fill } from "./client";
import { CONFIG, CU, GRID_FUNDS, RETAIL, THBC_FUNDS, TradingFixture, type Trader } from "./fixture";
import { tradingIdl } from "./idl/trading";

let f: TradingFixture;
let seller: Trader;
let buyer: Trader;

const SELL_PRICE = RETAIL - 200_000n; // 4.00 THB/kWh
const BUY_PRICE = RETAIL + 100_000n; // 4.30 THB/kWh
const fee = (cost: bigint) => (cost * BigInt(CONFIG.feeBps)) / 10_000n;

beforeEach(async () => {
  f = await TradingFixture.create();
  seller = f.trader();
  buyer = f.trader();
});

/** Every account a fill between these traders could touch. */
function touched(fills: Fill[]): PublicKey[] {
  const keys = fills.flatMap((x) => [x.buyOrder, x.sellOrder]);
  return [
    ...keys,
    f.feeAccount,
    f.market,
    f.gridVault,
    f.thbcVault,
    ...f.traders.flatMap((t) => [t.grid, t.thbc]),
  ];
}

function refuseMatch(fills: Fill[], name: string, extra: PublicKey[] = []) {
  const before = f.chain.snapshot([...touched(fills), ...extra]);
  expectAnchorError(f.chain.send(f.matchIx(fills)), name, tradingIdl);
  expectUnchanged(f.chain, before);
}

describe("match_orders: one fill", () => {
  it("the resting sell sets the price; the buyer is credited the GRID and its improvement, the seller cost - fee and the fee it owes; cancel pays it all out", async () => {
    await f.create(seller, { side: "sell", id: 1n, amountWh: 5_000n, limitPrice: SELL_PRICE });
    f.advance(1);
    await f.create(buyer, { side: "buy", id: 1n, amountWh: 3_000n, limitPrice: BUY_PRICE });
    const fill = f.fill(buyer, 1n, seller, 1n, 2_000n);
    const lock = buyLock(3_000n, BUY_PRICE);
    const cost = (2_000n * SELL_PRICE) / 1000n;
    const keep = buyLock(1_000n, BUY_PRICE);
    const release = lock - cost - keep;
    const tokens = f.chain.snapshot(
      touched([fill]).filter((k) => !k.equals(fill.buyOrder) && !k.equals(fill.sellOrder)),
    );
    const r = expectOk(f.chain.send(f.matchIx([fill])));
    // no token moved: the fill is two order writes
    expectUnchanged(f.chain, tokens);
    expect(f.orderState(fill.buyOrder)).toMatchObject({
      filledWh: 2_000n,
      locked: keep,
      settledGrid: 2_000n,
      settledThbc: release,
      feeOwed: 0n,
    });
    expect(f.orderState(fill.sellOrder)).toMatchObject({
      filledWh: 2_000n,
      locked: 3_000n,
      settledGrid: 0n,
      settledThbc: cost - fee(cost),
      feeOwed: fee(cost),
    });
    expect(plain(f.event(r, "orderFilled"))).toEqual({
      buyOrder: fill.buyOrder.toBase58(),
      sellOrder: fill.sellOrder.toBase58(),
      buyer: buyer.kp.publicKey.toBase58(),
      seller: seller.kp.publicKey.toBase58(),
      makerOrder: fill.sellOrder.toBase58(),
      amountWh: 2_000n,
      price: SELL_PRICE,
      cost,
      fee: fee(cost),
      feePayer: seller.kp.publicKey.toBase58(),
      releasedToBuyer: release,
      buyFilledWh: 2_000n,
      sellFilledWh: 2_000n,
      green: false,
    });
    expectCu(r, { max: CU.oneFill });
    // the vaults hold exactly what the two orders hold
    expect(f.balance(f.gridVault)).toBe(3_000n + 2_000n);
    expect(f.balance(f.thbcVault)).toBe(keep + release + cost);
    const c1 = expectOk(f.chain.send(await f.cancelIx(buyer, 1n), [buyer.kp]));
    expect(plain(f.event(c1, "orderCancelled"))).toMatchObject({
      paidGrid: 2_000n,
      paidThbc: keep + release,
      feePaid: 0n,
    });
    expectCu(c1, { max: CU.cancelOrderBoth });
    const c2 = expectOk(f.chain.send(await f.cancelIx(seller, 1n), [seller.kp]));
    expect(plain(f.event(c2, "orderCancelled"))).toMatchObject({
      paidGrid: 3_000n,
      paidThbc: cost - fee(cost),
      feePaid: fee(cost),
    });
    expectCu(c2, { max: CU.cancelOrderAll });
    expect(f.balance(buyer.grid)).toBe(GRID_FUNDS + 2_000n);
    expect(f.balance(seller.grid)).toBe(GRID_FUNDS - 2_000n);
    expect(f.balance(seller.thbc)).toBe(THBC_FUNDS + cost - fee(cost));
    expect(f.balance(f.feeAccount)).toBe(fee(cost));
    expect(f.balance(buyer.thbc)).toBe(THBC_FUNDS - cost);
    expect(f.balance(f.gridVault)).toBe(0n);
    expect(f.balance(f.thbcVault)).toBe(0n);
  });

  it("a resting buy sets the price (its own limit): nothing to release but rounding", async () => {
    await f.create(buyer, { side: "buy", id: 1n, amountWh: 3_000n, limitPrice: BUY_PRICE });
    f.advance(1);
    await f.create(seller, { side: "sell", id: 1n, amountWh: 3_000n, limitPrice: SELL_PRICE });
    const fill = f.fill(buyer, 1n, seller, 1n, 3_000n);
    const r = expectOk(f.chain.send(f.matchIx([fill])));
    const ev = plain(f.event(r, "orderFilled"));
    expect(ev.price).toBe(BUY_PRICE);
    expect(ev.makerOrder).toBe(fill.buyOrder.toBase58());
    expect(ev.cost).toBe((3_000n * BUY_PRICE) / 1000n);
    expect(ev.releasedToBuyer).toBe(buyLock(3_000n, BUY_PRICE) - (3_000n * BUY_PRICE) / 1000n);
    // both fully filled: their locks are spent and anyone may close the orders
    expect(f.orderState(fill.buyOrder)!.locked).toBe(0n);
    expect(f.orderState(fill.sellOrder)!.locked).toBe(0n);
    const cost = (3_000n * BUY_PRICE) / 1000n;
    expectCu(expectOk(f.chain.send(await f.closeIx(buyer, 1n))), { max: CU.closeOrderBoth });
    expectOk(f.chain.send(await f.closeIx(seller, 1n)));
    expect(f.balance(buyer.grid)).toBe(GRID_FUNDS + 3_000n);
    expect(f.balance(buyer.thbc)).toBe(THBC_FUNDS - cost);
    expect(f.balance(seller.thbc)).toBe(THBC_FUNDS + cost - fee(cost));
    expect(f.balance(f.feeAccount)).toBe(fee(cost));
  });

  it("on a creation-time tie the sell order is the maker", async () => {
    await f.create(seller, { side: "sell", id: 1n, limitPrice: SELL_PRICE });
    await f.create(buyer, { side: "buy", id: 1n, limitPrice: BUY_PRICE });
    expect(f.orderState(f.orderOf(seller, 1n))!.createdAt).toBe(
      f.orderState(f.orderOf(buyer, 1n))!.createdAt,
    );
    const r = expectOk(f.chain.send(f.matchIx([f.fill(buyer, 1n, seller, 1n, 1_000n)])));
    expect(plain(f.event(r, "orderFilled")).price).toBe(SELL_PRICE);
  });
});

describe("match_orders: several fills in one transaction", () => {
  it("8 fills (4 buyers, 2 sellers, each order twice) settle atomically; CU per fill pinned", async () => {
    const sellers = [seller, f.trader()];
    const buyers = [buyer, f.trader(), f.trader(), f.trader()];
    for (const s of sellers)
      await f.create(s, { side: "sell", id: 1n, amountWh: 40_000n, limitPrice: SELL_PRICE });
    f.advance(1);
    for (const b of buyers)
      await f.create(b, { side: "buy", id: 1n, amountWh: 20_000n, limitPrice: BUY_PRICE });
    const fills: Fill[] = [];
    for (let i = 0; i < 8; i++)
      fills.push(f.fill(buyers[i % 4]!, 1n, sellers[i % 2]!, 1n, 10_000n));
    const r = expectOk(f.chain.send(f.matchIx(fills)));
    expect(f.events(r).filter((e) => e.name === "orderFilled")).toHaveLength(8);
    const perFill = f.programCu(r) / 8;
    expect(perFill).toBeLessThanOrEqual(CU.perFillOf8);
    const cost = (10_000n * SELL_PRICE) / 1000n;
    for (const t of [...buyers, ...sellers]) expectOk(f.chain.send(await f.closeIx(t, 1n)));
    for (const b of buyers) {
      expect(f.balance(b.grid)).toBe(GRID_FUNDS + 20_000n);
      expect(f.balance(b.thbc)).toBe(THBC_FUNDS - 2n * cost);
    }
    for (const s of sellers) expect(f.balance(s.thbc)).toBe(THBC_FUNDS + 4n * (cost - fee(cost)));
    expect(f.balance(f.feeAccount)).toBe(8n * fee(cost));
  });

  it("16 distinct orders (8 fills) fit one legacy transaction, with room to spare", async () => {
    const fills: Fill[] = [];
    for (let i = 0; i < 8; i++) {
      const s = f.trader();
      const b = f.trader();
      await f.create(s, { side: "sell", id: 1n, limitPrice: SELL_PRICE });
      await f.create(b, { side: "buy", id: 1n, limitPrice: BUY_PRICE });
      fills.push(f.fill(b, 1n, s, 1n, 1_000n));
    }
    const tx = new Transaction({
      feePayer: f.chain.payer.publicKey,
      recentBlockhash: Keypair.generate().publicKey.toBase58(), // any 32 bytes: only the size counts
    });
    tx.add(f.matchIx(fills));
    tx.sign(f.chain.payer);
    expect(tx.serialize().length).toBeLessThanOrEqual(1_232);
    expectOk(f.chain.send(f.matchIx(fills)));
  });

  it("the same order twice: the second fill sees the first (no overfill across fills)", async () => {
    await f.create(seller, { side: "sell", id: 1n, amountWh: 5_000n, limitPrice: SELL_PRICE });
    await f.create(buyer, { side: "buy", id: 1n, amountWh: 8_000n, limitPrice: BUY_PRICE });
    const a = f.fill(buyer, 1n, seller, 1n, 3_000n);
    const b = f.fill(buyer, 1n, seller, 1n, 2_001n);
    refuseMatch([a, b], "Overfill");
    expectOk(f.chain.send(f.matchIx([a, f.fill(buyer, 1n, seller, 1n, 2_000n)])));
    expect(f.orderState(a.sellOrder)).toMatchObject({ filledWh: 5_000n, locked: 0n });
    // now fully filled
    refuseMatch([f.fill(buyer, 1n, seller, 1n, 1n)], "OrderNotOpen");
  });

  it("one bad fill among good ones fails the whole transaction, nothing changed", async () => {
    const other = f.trader();
    await f.create(seller, { side: "sell", id: 1n, limitPrice: SELL_PRICE });
    await f.create(buyer, { side: "buy", id: 1n, limitPrice: BUY_PRICE });
    await f.create(other, { side: "buy", id: 1n, limitPrice: SELL_PRICE - 1n });
    refuseMatch(
      [f.fill(buyer, 1n, seller, 1n, 1_000n), f.fill(other, 1n, seller, 1n, 1_000n)],
      "PricesDoNotCross",
    );
  });
});

describe("match_orders refusals (named error, no account changed)", () => {
  beforeEach(async () => {
    await f.create(seller, {
      side: "sell",
      id: 1n,
      amountWh: 5_000n,
      limitPrice: SELL_PRICE,
      ttl: 100,
    });
    await f.create(buyer, {
      side: "buy",
      id: 1n,
      amountWh: 5_000n,
      limitPrice: BUY_PRICE,
      ttl: 200,
    });
  });

  it("a fill at a price outside either limit (PricesDoNotCross)", async () => {
    await f.create(buyer, { side: "buy", id: 2n, limitPrice: SELL_PRICE - 1n });
    refuseMatch([f.fill(buyer, 2n, seller, 1n, 1_000n)], "PricesDoNotCross");
  });

  it("an expired order (OrderExpired), either side", () => {
    f.advance(100);
    refuseMatch([f.fill(buyer, 1n, seller, 1n, 1_000n)], "OrderExpired");
  });

  it("a cancelled order (its account is gone: AccountOwnedByWrongProgram)", async () => {
    const fill = f.fill(buyer, 1n, seller, 1n, 1_000n);
    expectOk(f.chain.send(await f.cancelIx(seller, 1n), [seller.kp]));
    refuseMatch([fill], "AccountOwnedByWrongProgram");
  });

  it("self-trade (SelfTrade)", async () => {
    await f.create(seller, { side: "buy", id: 2n, limitPrice: BUY_PRICE });
    refuseMatch([f.fill(seller, 2n, seller, 1n, 1_000n)], "SelfTrade");
  });

  it("overfill of either side in one fill (Overfill), and a zero amount", async () => {
    await f.create(buyer, { side: "buy", id: 2n, amountWh: 9_000n, limitPrice: BUY_PRICE });
    refuseMatch([f.fill(buyer, 2n, seller, 1n, 5_001n)], "Overfill");
    refuseMatch([f.fill(buyer, 1n, seller, 1n, 5_001n)], "Overfill");
    refuseMatch([f.fill(buyer, 1n, seller, 1n, 0n)], "Overfill");
  });

  it("what a fill credited can leave only to its order's owner: a third party's GRID or THBC account (InvalidOwnerTokenAccount) or fee account (InvalidFeeDestination) is refused", async () => {
    expectOk(f.chain.send(f.matchIx([f.fill(buyer, 1n, seller, 1n, 1_000n)])));
    const thief = f.trader(0n, 0n);
    const feeThief = createAta(f.chain, thief.kp.publicKey, f.thbcMint);
    const w = [...touched([f.fill(buyer, 1n, seller, 1n, 1n)]), feeThief];
    const refuse = async (ix: Promise<TransactionInstruction>, who: Trader, name: string) => {
      const before = f.chain.snapshot(w);
      expectAnchorError(f.chain.send(await ix, [who.kp]), name, tradingIdl);
      expectUnchanged(f.chain, before);
    };
    await refuse(
      f.cancelIx(buyer, 1n, { ownerGrid: thief.grid }),
      buyer,
      "InvalidOwnerTokenAccount",
    );
    await refuse(
      f.cancelIx(buyer, 1n, { ownerThbc: thief.thbc }),
      buyer,
      "InvalidOwnerTokenAccount",
    );
    await refuse(
      f.cancelIx(seller, 1n, { ownerThbc: thief.thbc }),
      seller,
      "InvalidOwnerTokenAccount",
    );
    await refuse(
      f.cancelIx(seller, 1n, { ownerThbc: seller.grid }),
      seller,
      "InvalidOwnerTokenAccount",
    );
    await refuse(
      f.cancelIx(seller, 1n, { feeDestination: feeThief }),
      seller,
      "InvalidFeeDestination",
    );
  });

  it("swapped sides (WrongSide), the same order on both sides (WrongSide)", () => {
    const fill = f.fill(buyer, 1n, seller, 1n, 1_000n);
    refuseMatch([{ ...fill, buyOrder: fill.sellOrder, sellOrder: fill.buyOrder }], "WrongSide");
    refuseMatch([{ ...fill, sellOrder: fill.buyOrder }], "WrongSide");
  });

  it("a market account at another address (ConstraintSeeds)", () => {
    const fill = f.fill(buyer, 1n, seller, 1n, 1_000n);
    const fake = Keypair.generate().publicKey;
    f.chain.setAccount(fake, { ...f.chain.getAccount(f.market)! });
    const before = f.chain.snapshot([...touched([fill]), fake]);
    expectAnchorError(
      f.chain.send(matchOrdersInstruction(f.program, { fills: [fill], market: fake })),
      "ConstraintSeeds",
      tradingIdl,
    );
    expectUnchanged(f.chain, before);
  });

  it("an order of the right layout owned by another program, or not at its PDA", () => {
    const fill = f.fill(buyer, 1n, seller, 1n, 1_000n);
    const real = f.chain.getAccount(fill.sellOrder)!;
    const fake = Keypair.generate().publicKey;
    f.chain.setAccount(fake, { ...real, owner: f.oracle.programId });
    refuseMatch([{ ...fill, sellOrder: fake }], "AccountOwnedByWrongProgram", [fake]);
    f.chain.setAccount(fake, { ...real });
    refuseMatch([{ ...fill, sellOrder: fake }], "ConstraintSeeds", [fake]);
  });

  it("a paused market (MarketPaused); fills resume after unpause", async () => {
    await f.pause(true);
    refuseMatch([f.fill(buyer, 1n, seller, 1n, 1_000n)], "MarketPaused");
    await f.pause(false);
    expectOk(f.chain.send(f.matchIx([f.fill(buyer, 1n, seller, 1n, 1_000n)])));
  });

  it("fills data that does not match the accounts (InvalidFills)", () => {
    const ix = f.matchIx([f.fill(buyer, 1n, seller, 1n, 1_000n)]);
    ix.keys.pop();
    const before = f.chain.snapshot(touched([f.fill(buyer, 1n, seller, 1n, 1_000n)]));
    expectAnchorError(f.chain.send(ix), "InvalidFills", tradingIdl);
    expectUnchanged(f.chain, before);
  });
});
