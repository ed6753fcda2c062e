/**
 * Orders on LiteSVM with the real trading.so and oracle.so: create_order, cancel_order and
 * close_order. Every success path with its balances, event and CU budget; every refusal with its
 * named error and no account changed (the order, the vaults, the owner's token accounts, the
 * market and the oracle).
 */
import { Keypair, PublicKey, type TransactionInstruction } from "@solana/web3.js";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createAta,
  createMint,
  expectAnchorError,
  expectCu,
  expectOk,
  expectUnchanged,
  mintTo,
} from "~/programs/harness";
import { plain } from "../oracle/fixture";
import { buyLock, clientOrderIdWithBump255, oracleAddress } from "./client";
import {
  CONFIG,
  CU,
  createOrderBudget,
  GRID_FUNDS,
  RETAIL,
  THBC_FUNDS,
  TradingFixture,
  type CreateTx,
  type Trader,
} from "./fixture";
import { tradingIdl } from "./idl/trading";

const U64_MAX = (1n << 64n) - 1n;
/** An Order account: 8-byte discriminator + its borsh fields (with the green certificate and flag). */
const ORDER_SPACE = 187;

let f: TradingFixture;
let alice: Trader;
let bob: Trader;

beforeEach(async () => {
  f = await TradingFixture.create();
  alice = f.trader();
  bob = f.trader();
});

/** Every account a create / cancel / close could touch. */
const watched = (tx?: CreateTx, ...more: PublicKey[]) => [
  f.market,
  oracleAddress(),
  alice.grid,
  alice.thbc,
  alice.kp.publicKey,
  bob.grid,
  bob.thbc,
  f.feeAccount,
  f.gridVault,
  f.thbcVault,
  ...(tx ? [tx.order] : []),
  ...more,
];

/** Sends the create transaction and expects `name` with nothing changed. */
function refuseCreate(tx: CreateTx, name: string) {
  const before = f.chain.snapshot(watched(tx));
  expectAnchorError(f.sendCreate(tx), name, tradingIdl);
  expectUnchanged(f.chain, before);
}

function refuse(
  ixs: TransactionInstruction | TransactionInstruction[],
  signers: Keypair[],
  name: string,
  watch: PublicKey[],
) {
  const before = f.chain.snapshot(watch);
  expectAnchorError(f.chain.send(ixs, signers), name, tradingIdl);
  expectUnchanged(f.chain, before);
}

describe("create_order", () => {
  it("a sell locks amount_wh GRID in the market's GRID vault; the market and oracle are read only", async () => {
    const tx = await f.createTx(alice, {
      side: "sell",
      id: 42n,
      amountWh: 12_345n,
      limitPrice: RETAIL + 1n,
    });
    const ix = tx.ixs[0]!;
    expect(ix.keys.filter((k) => k.isWritable).map((k) => k.pubkey.toBase58())).not.toContain(
      f.market.toBase58(),
    );
    expect(ix.keys.filter((k) => k.isWritable).map((k) => k.pubkey.toBase58())).not.toContain(
      oracleAddress().toBase58(),
    );
    const market = f.chain.snapshot([f.market, oracleAddress()]);
    const r = expectOk(f.sendCreate(tx));
    expectUnchanged(f.chain, market);
    expect(f.balance(alice.grid)).toBe(1_000_000n - 12_345n);
    expect(f.balance(f.gridVault)).toBe(12_345n);
    const o = f.orderState(tx.order)!;
    const now = f.now();
    expect(o).toEqual({
      market: f.market,
      owner: alice.kp.publicKey,
      clientOrderId: 42n,
      amountWh: 12_345n,
      filledWh: 0n,
      limitPrice: RETAIL + 1n,
      locked: 12_345n,
      settledGrid: 0n,
      settledThbc: 0n,
      feeOwed: 0n,
      createdAt: now,
      expiresAt: now + 3_600n,
      side: "sell",
      bump: PublicKey.findProgramAddressSync(
        [
          Buffer.from("order"),
          f.market.toBuffer(),
          alice.kp.publicKey.toBuffer(),
          Buffer.from(new BigUint64Array([42n]).buffer),
        ],
        f.programId,
      )[1],
    });
    const acct = f.chain.getAccount(tx.order)!;
    expect(acct.owner.equals(f.programId)).toBe(true);
    expect(acct.data.length).toBe(ORDER_SPACE);
    expect(acct.lamports).toBe(f.chain.minimumBalance(ORDER_SPACE));
    expect(plain(f.event(r, "orderCreated"))).toEqual({
      order: tx.order.toBase58(),
      owner: alice.kp.publicKey.toBase58(),
      side: { sell: {} },
      clientOrderId: 42n,
      amountWh: 12_345n,
      limitPrice: RETAIL + 1n,
      locked: 12_345n,
      expiresAt: now + 3_600n,
      referencePrice: RETAIL,
      certificate: PublicKey.default.toBase58(),
      greenOnly: false,
    });
    expectCu({ ...r, computeUnits: f.programCu(r) }, { max: createOrderBudget(o.bump) });
  });

  it("a buy locks ceil(amount_wh * limit_price / 1000) THBC (rounded up, never short)", async () => {
    const amountWh = 1_001n;
    const limitPrice = 4_200_001n;
    const lock = buyLock(amountWh, limitPrice);
    expect(lock * 1000n).toBeGreaterThanOrEqual(amountWh * limitPrice);
    expect((lock - 1n) * 1000n).toBeLessThan(amountWh * limitPrice);
    const id = clientOrderIdWithBump255(bob.kp.publicKey, 1n);
    const tx = await f.createTx(bob, { side: "buy", id, amountWh, limitPrice });
    const r = expectOk(f.sendCreate(tx));
    expect(f.orderState(tx.order)!.bump).toBe(255);
    expect(f.balance(f.thbcVault)).toBe(lock);
    expect(f.balance(bob.thbc)).toBe(10_000_000_000n - lock);
    expect(f.orderState(tx.order)!.locked).toBe(lock);
    expect(plain(f.event(r, "orderCreated")).locked).toBe(lock);
    // one instruction: the program's CU is the transaction's
    expect(f.programCu(r)).toBe(r.computeUnits);
    expectCu(r, { max: CU.createOrder });
  });

  it("create_order: ~5,000 CU with bump 255 (<= 8,000 from bump 249 up); 24 random owners and ids", async () => {
    for (let i = 0; i < 24; i++) {
      const t = f.trader();
      const tx = await f.createTx(t, { side: i % 2 ? "buy" : "sell", id: BigInt(i * 7919 + 1) });
      const r = expectOk(f.sendCreate(tx));
      const bump = f.orderState(tx.order)!.bump;
      expectCu({ ...r, computeUnits: f.programCu(r) }, { max: createOrderBudget(bump) });
      if (bump >= 249) expect(f.programCu(r)).toBeLessThanOrEqual(8_000);
    }
    expect(createOrderBudget(249)).toBeLessThanOrEqual(8_000);
  });

  it("refuses a missing owner signature (AccountNotSigner)", async () => {
    const tx = await f.createTx(alice);
    const ix = tx.ixs[0]!;
    ix.keys[0]!.isSigner = false;
    refuse(ix, [], "AccountNotSigner", watched(tx));
  });

  it("refuses on a paused market (MarketPaused), and accepts again after unpause", async () => {
    await f.pause(true);
    refuseCreate(await f.createTx(alice), "MarketPaused");
    refuseCreate(await f.createTx(bob, { side: "buy" }), "MarketPaused");
    await f.pause(false);
    await f.create(alice);
  });

  it("refuses limit prices outside the band around the oracle's retail price (PriceOutsideBand), accepts its edges", async () => {
    const band = BigInt(CONFIG.priceBandBps);
    const lo = (RETAIL * (10_000n - band) + 9_999n) / 10_000n;
    const hi = (RETAIL * (10_000n + band)) / 10_000n;
    refuseCreate(await f.createTx(alice, { limitPrice: lo - 1n }), "PriceOutsideBand");
    refuseCreate(await f.createTx(alice, { limitPrice: hi + 1n }), "PriceOutsideBand");
    refuseCreate(await f.createTx(bob, { side: "buy", limitPrice: hi + 1n }), "PriceOutsideBand");
    refuseCreate(await f.createTx(alice, { limitPrice: U64_MAX }), "PriceOutsideBand");
    refuseCreate(await f.createTx(alice, { limitPrice: 0n }), "ZeroPrice");
    await f.create(alice, { id: 1n, limitPrice: lo });
    await f.create(alice, { id: 2n, limitPrice: hi });
  });

  it("refuses when the oracle price is older than max_oracle_age_secs (OracleStale); a fresh price reopens", async () => {
    f.advance(CONFIG.maxOracleAgeSecs + 1);
    refuseCreate(await f.createTx(alice), "OracleStale");
    await f.refreshOracle();
    await f.create(alice);
  });

  it("refuses amounts below min_order_wh (OrderTooSmall) and an expiry not in the future (ExpiryNotInFuture)", async () => {
    refuseCreate(await f.createTx(alice, { amountWh: CONFIG.minOrderWh - 1n }), "OrderTooSmall");
    refuseCreate(await f.createTx(alice, { expiresAt: f.now() }), "ExpiryNotInFuture");
    refuseCreate(await f.createTx(alice, { expiresAt: f.now() - 1n }), "ExpiryNotInFuture");
    await f.create(alice, { amountWh: CONFIG.minOrderWh, expiresAt: f.now() + 1n });
  });

  it("refuses u64 overflow in amount * price (MathOverflow)", async () => {
    refuseCreate(await f.createTx(bob, { side: "buy", amountWh: 1n << 62n }), "MathOverflow");
    refuseCreate(await f.createTx(bob, { side: "buy", amountWh: U64_MAX }), "MathOverflow");
  });

  it("refuses a source token account of another mint (MintMismatch)", async () => {
    const other = createMint(f.chain, { authority: f.mintAuthority.publicKey, decimals: 3 });
    const otherAcct = createAta(f.chain, alice.kp.publicKey, other);
    mintTo(f.chain, other, otherAcct, f.mintAuthority, 100_000n);
    // a sell of another mint's tokens
    refuseCreate(await f.createTx(alice, {}, { ownerTokenAccount: otherAcct }), "MintMismatch");
    // a sell paying with THBC, a buy paying with GRID
    refuseCreate(await f.createTx(alice, {}, { ownerTokenAccount: alice.thbc }), "MintMismatch");
    refuseCreate(
      await f.createTx(bob, { side: "buy" }, { ownerTokenAccount: bob.grid }),
      "MintMismatch",
    );
  });

  it("refuses any vault but the market's for the side's mint (InvalidVault)", async () => {
    refuseCreate(await f.createTx(alice, {}, { vault: f.thbcVault }), "InvalidVault");
    refuseCreate(await f.createTx(bob, { side: "buy" }, { vault: f.gridVault }), "InvalidVault");
    // a token account of the right mint that is not the vault (the owner's own, another's)
    refuseCreate(await f.createTx(alice, {}, { vault: bob.grid }), "InvalidVault");
    const sink = createAta(f.chain, f.chain.newKeypair().publicKey, f.thbcMint);
    refuseCreate(await f.createTx(bob, { side: "buy" }, { vault: sink }), "InvalidVault");
  });

  it("refuses the same client_order_id twice (AccountNotSystemOwned): one order per (owner, id)", async () => {
    await f.create(alice, { id: 5n });
    refuseCreate(await f.createTx(alice, { id: 5n }), "AccountNotSystemOwned");
    // another owner may use the same id
    await f.create(bob, { id: 5n });
  });

  it("refuses an order address that is not the PDA of (market, owner, id) (ConstraintSeeds)", async () => {
    refuseCreate(
      await f.createTx(alice, { id: 1n }, { order: f.orderOf(alice, 2n) }),
      "ConstraintSeeds",
    );
    refuseCreate(
      await f.createTx(alice, { id: 1n }, { order: f.orderOf(bob, 1n) }),
      "ConstraintSeeds",
    );
  });

  it("refuses a market or oracle of the right layout owned by another program or at another address", async () => {
    const real = f.chain.getAccount(f.market)!;
    const fake = Keypair.generate().publicKey;
    f.chain.setAccount(fake, { ...real, owner: f.oracle.programId });
    refuseCreate(await f.createTx(alice, {}, { market: fake }), "AccountOwnedByWrongProgram");
    f.chain.setAccount(fake, { ...real });
    refuseCreate(await f.createTx(alice, {}, { market: fake }), "ConstraintSeeds");
    const oracle = f.chain.getAccount(oracleAddress())!;
    const fakeOracle = Keypair.generate().publicKey;
    f.chain.setAccount(fakeOracle, { ...oracle });
    refuseCreate(await f.createTx(alice, {}, { oracle: fakeOracle }), "InvalidOracle");
    f.chain.setAccount(oracleAddress(), { ...oracle, owner: f.programId });
    refuseCreate(await f.createTx(alice), "InvalidOracle");
  });

  it("refuses before the oracle has any price (OraclePriceNotSet)", async () => {
    const oracle = f.chain.getAccount(oracleAddress())!;
    const data = Buffer.from(oracle.data);
    data.writeBigUInt64LE(0n, 104); // update_count
    f.chain.setAccount(oracleAddress(), { ...oracle, data });
    refuseCreate(await f.createTx(alice), "OraclePriceNotSet");
  });
});

describe("cancel_order", () => {
  it("returns the whole lock, closes the order, rent to the owner", async () => {
    const tx = await f.createTx(bob, {
      side: "buy",
      id: 3n,
      amountWh: 2_500n,
      limitPrice: 4_000_001n,
    });
    expectOk(f.sendCreate(tx));
    const lock = buyLock(2_500n, 4_000_001n);
    const lamports = f.chain.balance(bob.kp.publicKey);
    const rent = f.chain.minimumBalance(ORDER_SPACE);
    const r = expectOk(f.chain.send(await f.cancelIx(bob, 3n), [bob.kp]));
    expect(f.balance(bob.thbc)).toBe(10_000_000_000n);
    expect(f.balance(f.thbcVault)).toBe(0n);
    expect(f.chain.getAccount(tx.order)).toBeNull();
    expect(f.chain.balance(bob.kp.publicKey)).toBe(lamports + rent);
    expect(plain(f.event(r, "orderCancelled"))).toEqual({
      order: tx.order.toBase58(),
      owner: bob.kp.publicKey.toBase58(),
      side: { buy: {} },
      clientOrderId: 3n,
      amountWh: 2_500n,
      filledWh: 0n,
      paidGrid: 0n,
      paidThbc: lock,
      feePaid: 0n,
    });
    expectCu(r, { max: CU.cancelOrder });
    // the id can be used again
    await f.create(bob, { side: "buy", id: 3n });
  });

  it("is allowed on a paused market", async () => {
    await f.create(alice, { id: 1n });
    await f.pause(true);
    expectOk(f.chain.send(await f.cancelIx(alice, 1n), [alice.kp]));
    expect(f.balance(alice.grid)).toBe(1_000_000n);
  });

  it("refuses someone else (NotOrderOwner), a missing signature (AccountNotSigner), another's token account (InvalidOwnerTokenAccount)", async () => {
    const tx = await f.createTx(alice, { id: 1n });
    expectOk(f.sendCreate(tx));
    const w = watched(tx, bob.kp.publicKey);
    refuse(
      await f.cancelIx(alice, 1n, { owner: bob.kp.publicKey, ownerGrid: bob.grid }),
      [bob.kp],
      "NotOrderOwner",
      w,
    );
    const ix = await f.cancelIx(alice, 1n);
    ix.keys[0]!.isSigner = false;
    refuse(ix, [], "AccountNotSigner", w);
    refuse(
      await f.cancelIx(alice, 1n, { ownerGrid: bob.grid }),
      [alice.kp],
      "InvalidOwnerTokenAccount",
      w,
    );
    refuse(
      await f.cancelIx(alice, 1n, { ownerGrid: alice.thbc }),
      [alice.kp],
      "InvalidOwnerTokenAccount",
      w,
    );
  });

  it("an unfilled sell needs no THBC account: only what is paid out is checked", async () => {
    const carol = f.trader(GRID_FUNDS, 0n);
    await f.create(carol, { id: 1n });
    const nowhere = Keypair.generate().publicKey; // no account at all
    expectOk(f.chain.send(await f.cancelIx(carol, 1n, { ownerThbc: nowhere }), [carol.kp]));
    expect(f.balance(carol.grid)).toBe(GRID_FUNDS);
  });

  it("refuses other vaults (InvalidVault), another market (ConstraintSeeds), an order owned by another program (AccountOwnedByWrongProgram) or at another address (ConstraintSeeds)", async () => {
    const a = await f.createTx(alice, { id: 1n });
    expectOk(f.sendCreate(a));
    const w = watched(a);
    refuse(await f.cancelIx(alice, 1n, { gridVault: f.thbcVault }), [alice.kp], "InvalidVault", w);
    refuse(await f.cancelIx(alice, 1n, { gridVault: alice.grid }), [alice.kp], "InvalidVault", w);
    refuse(await f.cancelIx(alice, 1n, { thbcVault: f.gridVault }), [alice.kp], "InvalidVault", w);
    const realMarket = f.chain.getAccount(f.market)!;
    const fakeMarket = Keypair.generate().publicKey;
    f.chain.setAccount(fakeMarket, { ...realMarket });
    refuse(await f.cancelIx(alice, 1n, { market: fakeMarket }), [alice.kp], "ConstraintSeeds", w);
    const fake = Keypair.generate().publicKey;
    const real = f.chain.getAccount(a.order)!;
    f.chain.setAccount(fake, { ...real, owner: f.oracle.programId });
    refuse(await f.cancelIx(alice, 1n, { order: fake }), [alice.kp], "AccountOwnedByWrongProgram", [
      ...w,
      fake,
    ]);
    f.chain.setAccount(fake, { ...real });
    refuse(await f.cancelIx(alice, 1n, { order: fake }), [alice.kp], "ConstraintSeeds", [
      ...w,
      fake,
    ]);
  });
});

describe("close_order", () => {
  it("anyone closes an expired order: the lock and the rent go to the owner, never to the caller", async () => {
    const tx = await f.createTx(alice, { id: 1n, ttl: 60 });
    expectOk(f.sendCreate(tx));
    const caller = f.chain.newKeypair();
    // not yet expired
    refuse(await f.closeIx(alice, 1n), [], "OrderStillOpen", watched(tx));
    f.advance(60);
    // paying the caller: the caller's wallet as owner, or the caller's token account
    const callerGrid = createAta(f.chain, caller.publicKey, f.gridMint);
    const w = watched(tx, caller.publicKey, callerGrid);
    refuse(await f.closeIx(alice, 1n, { owner: caller.publicKey }), [], "NotOrderOwner", w);
    refuse(
      await f.closeIx(alice, 1n, { ownerGrid: callerGrid }),
      [],
      "InvalidOwnerTokenAccount",
      w,
    );
    const lamports = f.chain.balance(alice.kp.publicKey);
    const callerLamports = f.chain.balance(caller.publicKey);
    const r = expectOk(f.chain.send(await f.closeIx(alice, 1n), [], { feePayer: caller }));
    expect(f.balance(alice.grid)).toBe(1_000_000n);
    expect(f.chain.balance(alice.kp.publicKey)).toBe(lamports + f.chain.minimumBalance(ORDER_SPACE));
    expect(f.chain.balance(caller.publicKey)).toBe(callerLamports - 5_000n);
    expect(f.chain.getAccount(tx.order)).toBeNull();
    expect(f.balance(f.gridVault)).toBe(0n);
    expect(plain(f.event(r, "orderClosed"))).toEqual({
      order: tx.order.toBase58(),
      owner: alice.kp.publicKey.toBase58(),
      side: { sell: {} },
      clientOrderId: 1n,
      amountWh: 10_000n,
      filledWh: 0n,
      paidGrid: 10_000n,
      paidThbc: 0n,
      feePaid: 0n,
      expired: true,
    });
    expectCu(r, { max: CU.closeOrder });
  });

  it("closes a fully filled order before expiry; a partly filled one stays open (OrderStillOpen)", async () => {
    await f.create(bob, { side: "buy", id: 4n, amountWh: 10_000n });
    await f.create(alice, { side: "sell", id: 1n, amountWh: 4_000n });
    await f.create(alice, { side: "sell", id: 2n, amountWh: 6_000n });
    expectOk(f.chain.send(f.matchIx([f.fill(bob, 4n, alice, 1n, 4_000n)])));
    refuse(await f.closeIx(bob, 4n), [], "OrderStillOpen", [...watched(), f.orderOf(bob, 4n)]);
    expectOk(f.chain.send(f.matchIx([f.fill(bob, 4n, alice, 2n, 6_000n)])));
    const r = expectOk(f.chain.send(await f.closeIx(bob, 4n)));
    const e = plain(f.event(r, "orderClosed"));
    expect(e.expired).toBe(false);
    expect(e.paidGrid).toBe(10_000n);
    expect(f.balance(bob.grid)).toBe(GRID_FUNDS + 10_000n);
    expect(f.balance(bob.thbc)).toBe(THBC_FUNDS - buyLock(10_000n, RETAIL));
  });

  it("is allowed on a paused market", async () => {
    await f.create(alice, { id: 1n, ttl: 10 });
    await f.pause(true);
    f.advance(10);
    expectOk(f.chain.send(await f.closeIx(alice, 1n)));
  });
});
