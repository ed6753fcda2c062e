/**
 * The matcher on a real local chain and a real database: sellers with GRID the poller minted,
 * buyers with THBC from the bridge, a crossing book. After every scenario: each order's fills on
 * chain add up to what the engine's rules allow (no overfill; every buy of the book filled once),
 * the indexer's trading_fills add up to the same (every fill settled once), no pair the chain would
 * accept still crosses, and the vaults hold exactly what the open orders need. Scenarios: one pass
 * packing several transactions; two matchers at once with the lease; two without it (the chain
 * refuses the overfill); a batch refused because another sender filled its orders first (dropped,
 * resynced); a market paused under the matcher (every batch refused: the pass stops, bounded); a
 * real kill -9 right after a batch confirmed; expired orders closed back to their owners; the cron
 * route and the admin's *Run now*.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { PublicKey, type Keypair } from "@solana/web3.js";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMatcherRuns } from "~/db/queries/matcher";
import { rowsOf } from "~/db/rows";
import { auditLog, matcherRuns, tradingOrders } from "~/db/schema";
import { thbcAccountAddress } from "~/programs/thb_bridge/client";
import { cancelOrderInstruction, marketAddress, matchOrdersInstruction, setPausedInstruction } from "~/programs/trading/client";
import { signedInBrowser } from "~/server/api/routers/router-chain-testing";
import { chainAuthConfig } from "~/server/api/routers/router-chain-testing";
import { envIndexer } from "~/server/poller/test-support";
import { INITIAL_RETAIL_PRICE } from "~/server/solana/bootstrap-steps";
import { sendSigned } from "~/server/solana/registry-actions";
import {
  buyersWithThbc,
  chainNow,
  chainOrders,
  gridAta,
  placeOrder,
  sellersWithGrid,
  startMarketEnv,
  tokenBalance,
  vaultInvariant,
  type MarketEnv,
  type PlacedOrder,
} from "../test-support";
import { handleMatchCron } from "./cron-handler";
import { createMatcher, type MatcherDeps } from "./matcher";

let m: MarketEnv;
const P = INITIAL_RETAIL_PRICE;
const env = () => m.env;
const matcher = (over: Partial<MatcherDeps> = {}) =>
  createMatcher({ db: env().tdb.db, connection: env().chain.connection, programs: env().chain.programs, operator: env().chain.operator, ...over });

beforeAll(async () => {
  m = await startMarketEnv();
}, 120_000);

afterAll(async () => {
  await m?.close();
});

interface Book {
  owners: Map<string, Keypair>;
  sells: PlacedOrder[];
  buys: PlacedOrder[];
  buyers: Keypair[];
  sellers: Keypair[];
}

/**
 * 2 sellers × 3 sells of 1,000 Wh at P, P + 1,000, P + 2,000 and 3 buyers × 1 buy of 1,600 Wh at
 * P + 3,000 (fills of 1,000 and 600 and 400 Wh: partial fills on both sides): every buy crosses
 * every sell, so every buy fills (4,800 Wh) and 1,200 Wh of the dearest sells stay.
 */
async function crossingBook(): Promise<Book> {
  const sellers = await sellersWithGrid(m, 2);
  const buyers = await buyersWithThbc(m, 3);
  const sells: PlacedOrder[] = [];
  const buys: PlacedOrder[] = [];
  const owners = new Map<string, Keypair>();
  for (const s of sellers)
    for (const d of [0n, 1_000n, 2_000n]) {
      const o = await placeOrder(env(), s, "sell", 1_000n, P + d);
      sells.push(o);
      owners.set(o.order.toBase58(), s);
    }
  for (const b of buyers)
    {
      const o = await placeOrder(env(), b, "buy", 1_600n, P + 3_000n);
      buys.push(o);
      owners.set(o.order.toBase58(), b);
    }
  return { owners, sells, buys, buyers, sellers };
}

/** The invariants every scenario ends with. */
async function expectSettledOnce(book: Book) {
  const ours = new Set([...book.sells, ...book.buys].map((o) => o.order.toBase58()));
  const onChain = (await chainOrders(env())).filter((o) => ours.has(o.order));
  // Buys are filled; a filled order that is still open waits only for its close.
  for (const o of onChain) expect(o.filledWh).toBeLessThanOrEqual(o.amountWh);
  const sellFilled = onChain.filter((o) => o.side === "sell").reduce((a, o) => a + o.filledWh, 0n);
  const closedSells = book.sells.filter((s) => !onChain.some((o) => o.order === s.order.toBase58()));
  // Σ fills of our orders in the mirror: every fill once.
  await envIndexer(env()).catchUp();
  const ids = [...ours];
  const [sum] = await rowsOf<{ buy: string | null; sell: string | null; n: string }>(
    env().tdb.db,
    sql`select (select coalesce(sum(amount_wh), 0)::text from trading_fills where buy_order in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})) as buy,
               (select coalesce(sum(amount_wh), 0)::text from trading_fills where sell_order in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})) as sell,
               '0' as n`,
  );
  expect(BigInt(sum!.buy!)).toBe(4_800n);
  expect(BigInt(sum!.sell!)).toBe(4_800n);
  // The mirror's filled totals agree with the fills (no fill counted twice, none lost).
  const rows = await env().tdb.db.select().from(tradingOrders);
  const mine = rows.filter((r) => ours.has(r.orderPda));
  expect(mine.filter((r) => r.side === "buy").every((r) => r.filledWh === 1_600n)).toBe(true);
  expect(mine.filter((r) => r.side === "sell").reduce((a, r) => a + r.filledWh, 0n)).toBe(4_800n);
  // Cheapest sells first: the two at P + 2,000 keep 1,200 Wh between them.
  expect(sellFilled + BigInt(closedSells.length) * 1_000n).toBe(4_800n);
  const left = mine.filter((r) => r.side === "sell" && r.limitPrice === P + 2_000n).reduce((a, r) => a + (r.amountWh! - r.filledWh), 0n);
  expect(left).toBe(1_200n);
  // Vault locks equal the open orders' needs.
  const v = await vaultInvariant(env());
  expect(v.actual).toEqual(v.expected);
  // Clean up: the owners cancel what is left, so the next scenario's book is its own.
  const market = await env().chain.programs.trading.account.market.fetch(marketAddress(), "confirmed");
  for (const o of onChain) {
    if (!(await env().chain.connection.getAccountInfo(new PublicKey(o.order)))) continue;
    const owner = book.owners.get(o.order)!;
    const ix = await cancelOrderInstruction(env().chain.programs.trading, {
      owner: owner.publicKey,
      order: new PublicKey(o.order),
      ownerGrid: gridAta(owner.publicKey),
      ownerThbc: thbcAccountAddress(owner.publicKey),
      feeDestination: market.feeDestination,
    });
    await sendSigned(env().chain.programs, ix, [owner]);
  }
  await envIndexer(env()).catchUp();
}

describe("matcher", () => {
  it("one pass settles every crossing fill in several match_orders transactions, then closes the filled buys", async () => {
    const book = await crossingBook();
    const grid0 = await Promise.all(book.buyers.map((b) => tokenBalance(env(), gridAta(b.publicKey))));
    const s = await matcher({ maxFillsPerTx: 3 }).runPass("test");
    expect(s.leader).toBe(true);
    expect(s.errors).toEqual([]);
    expect(s.whSettled).toBe(4_800);
    expect(s.fillsRefused).toBe(0);
    expect(s.matchTransactions).toBeGreaterThanOrEqual(Math.ceil(s.fillsSettled / 3));
    expect(s.matchTransactions).toBeGreaterThan(1);
    expect(s.ordersClosed).toBeGreaterThanOrEqual(6); // every buy (and any sell filled completely)
    await expectSettledOnce(book);
    // Each buyer got its 1,600 Wh of GRID from the close.
    for (const [i, b] of book.buyers.entries()) expect(await tokenBalance(env(), gridAta(b.publicKey))).toBe(grid0[i]! + 1_600n);
    const [run] = await listMatcherRuns(env().tdb.db, { limit: 1 });
    expect(run).toMatchObject({ id: s.runId, state: "completed", fillsSettled: s.fillsSettled, whSettled: 4_800n, ordersClosed: s.ordersClosed });
    expect(run!.attempts.every((a) => a.outcome === "confirmed")).toBe(true);
    expect(run!.attempts.filter((a) => a.kind === "match")).toHaveLength(s.matchTransactions);
    // Nothing is left to do: a second pass sends nothing and records no run.
    const again = await matcher().runPass("test");
    expect(again).toMatchObject({ fillsProposed: 0, ordersClosed: 0, runId: null });
  });

  it("two matchers at once with the lease: never both in a pass; every fill settled once", async () => {
    const book = await crossingBook();
    const a = matcher({ maxFillsPerTx: 2 });
    const b = matcher({ maxFillsPerTx: 2 });
    const [sa, sb] = await Promise.all([a.runPass("test"), b.runPass("test")]);
    expect(sa.whSettled + sb.whSettled).toBe(4_800);
    expect(sa.fillsRefused + sb.fillsRefused).toBe(0);
    await expectSettledOnce(book);
    // The runs of the two never overlapped in time.
    const runs = (await listMatcherRuns(env().tdb.db, { limit: 10 })).filter((r) => r.id === sa.runId || r.id === sb.runId);
    if (runs.length === 2) {
      const [x, y] = runs.sort((p, q) => p.startedAt.getTime() - q.startedAt.getTime());
      expect(x!.finishedAt!.getTime()).toBeLessThanOrEqual(y!.startedAt.getTime());
    }
  });

  it("two matchers without the lease (split brain): the chain refuses what the other already filled; every fill settled once", async () => {
    const book = await crossingBook();
    const a = matcher({ useLease: false, maxFillsPerTx: 2 });
    const b = matcher({ useLease: false, maxFillsPerTx: 3 });
    const [sa, sb] = await Promise.all([a.runPass("test"), b.runPass("test")]);
    expect(sa.errors.concat(sb.errors)).toEqual([]);
    await expectSettledOnce(book);
    // What the two claim to have settled is never more than what the chain holds, unless both sent
    // the very same transaction (same fills, same blockhash: one signature, landed once).
    const confirmed = new Set<string>();
    for (const r of await env().tdb.db.select().from(matcherRuns).where(sql`${matcherRuns.id} in (${sa.runId ?? -1}, ${sb.runId ?? -1})`))
      for (const x of r.attempts) if (x.kind === "match" && x.outcome === "confirmed") confirmed.add(x.signature);
    const [landed] = await rowsOf<{ n: number }>(
      env().tdb.db,
      sql`select count(distinct signature)::int as n from trading_fills where signature in (${sql.join([...confirmed, "-"].map((s) => sql`${s}`), sql`, `)})`,
    );
    expect(landed!.n).toBe(confirmed.size);
  });

  it("a batch the chain refuses (another sender filled its orders first) is dropped, the book resynced, the rest settled", async () => {
    const book = await crossingBook();
    let interfered = false;
    const s = await matcher({
      maxFillsPerTx: 4,
      hook: async (step, info) => {
        if (step !== "match:signed" || interfered || !info.fills) return;
        interfered = true;
        // Someone else settles the batch's first fill before the matcher's transaction lands.
        const f = info.fills[0]!;
        await sendSigned(
          env().chain.programs,
          matchOrdersInstruction(env().chain.programs.trading, {
            fills: [{ buyOrder: new PublicKey(f.buyId), sellOrder: new PublicKey(f.sellId), amountWh: f.amountWh }],
          }),
          [],
        );
      },
    }).runPass("test");
    expect(interfered).toBe(true);
    expect(s.fillsRefused).toBeGreaterThanOrEqual(1);
    expect(s.errors).toEqual([]);
    const [run] = await listMatcherRuns(env().tdb.db, { limit: 1 });
    expect(run!.attempts.some((a) => a.outcome === "refused" && /Overfill|OrderNotOpen/.test(a.error ?? ""))).toBe(true);
    await expectSettledOnce(book);
  });

  it("a market paused under the matcher: every batch refused, the pass stops after maxRefusals, nothing retried forever; unpaused, the rest settles", async () => {
    const book = await crossingBook();
    const pause = async (paused: boolean) =>
      sendSigned(
        env().chain.programs,
        await setPausedInstruction(env().chain.programs.trading, { emergencyAuthority: env().chain.operator.publicKey, paused }),
        [],
      );
    let paused = false;
    const mt = matcher({
      maxRefusals: 6,
      close: false,
      hook: async (step) => {
        if (step === "match:signed" && !paused) {
          paused = true;
          await pause(true);
        }
      },
    });
    try {
      const s = await mt.runPass("test");
      expect(s.fillsSettled).toBe(0);
      // Bounded: at most maxRefusals transactions (each refused batch is halved, a single refused
      // fill is quarantined and its buy left out), and the pass returns.
      expect(s.matchTransactions).toBeGreaterThanOrEqual(3);
      expect(s.matchTransactions).toBeLessThanOrEqual(6);
      expect(s.fillsRefused).toBeGreaterThan(0);
      expect(s.quarantined).toBeGreaterThan(0); // refused alone, orders unchanged
      const [run] = await listMatcherRuns(env().tdb.db, { limit: 1 });
      expect(run!.attempts.every((x) => x.outcome === "refused" && x.error === "MarketPaused")).toBe(true);
      // While paused, a pass proposes nothing at all.
      expect(await mt.runPass("test")).toMatchObject({ paused: true, matchTransactions: 0 });
    } finally {
      if (paused) await pause(false);
    }
    // A quarantined fill is left out of this instance's passes for quarantineMs; another matcher settles all.
    const s2 = await matcher().runPass("test");
    expect(s2.whSettled).toBe(4_800);
    await expectSettledOnce(book);
  });

  it("kill -9 right after a batch confirmed (its outcome unrecorded): the next leader marks the run abandoned and settles the rest once", async () => {
    if (!env().tdb.url) return; // the child needs a PostgreSQL server (PGlite is one process)
    const book = await crossingBook();
    const child = spawn(
      "npx",
      ["tsx", path.join(import.meta.dirname, "crash-child.ts"), "match:sent", "1", env().tdb.url!, env().net.rpcUrl, env().net.wsUrl, env().keypairPath, "2"],
      { cwd: path.resolve(import.meta.dirname, "../../.."), stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on("exit", (code, signal) => r({ code, signal })));
    expect(out).toContain("killed at match:sent #1");
    expect(exit.signal === "SIGKILL" || exit.code === 137).toBe(true);
    const sig = /killed at match:sent #1 (\S+)/.exec(out)![1]!;
    const [dead] = await env().tdb.db.select().from(matcherRuns).where(eq(matcherRuns.holder, "crash-child"));
    expect(dead).toMatchObject({ state: "running" });
    expect(dead!.attempts).toEqual([expect.objectContaining({ signature: sig, outcome: "sent" })]);
    // The fill landed on chain although the record says only "sent".
    expect(await env().chain.connection.getSignatureStatus(sig)).toMatchObject({ value: { err: null } });

    // The next matcher: skipped while the dead holder's lease lasts, then the leader.
    const next = matcher();
    const deadline = Date.now() + 15_000;
    let s = await next.runPass("test");
    while (!s.leader && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      s = await next.runPass("test");
    }
    expect(s.leader).toBe(true);
    expect(s.abandonedRuns).toBe(1);
    // The killed pass's batch stays settled once: the next leader settles only the rest.
    const killedWh = dead!.attempts[0]!.fills!.reduce((a, f) => a + Number(f.amountWh), 0);
    expect(killedWh).toBeGreaterThan(0);
    expect(s.whSettled).toBe(4_800 - killedWh);
    const [after] = await env().tdb.db.select().from(matcherRuns).where(eq(matcherRuns.id, dead!.id));
    expect(after!.state).toBe("abandoned");
    await expectSettledOnce(book);
  }, 60_000);

  it("expired orders are closed back to their owners, partly filled or not", async () => {
    const [seller] = await sellersWithGrid(m, 1);
    const [buyer] = await buyersWithThbc(m, 1);
    const grid0 = await tokenBalance(env(), gridAta(seller!.publicKey));
    const expiresAt = (await chainNow(env())) + 8; // the matcher leaves orders within 2 s of expiry alone
    const sell = await placeOrder(env(), seller!, "sell", 2_000n, P, { expiresAt });
    const buy = await placeOrder(env(), buyer!, "buy", 1_000n, P);
    // A first pass fills half of the sell (the buy fills and is closed); the sell is not expired yet.
    const mt = matcher();
    const s1 = await mt.runPass("test");
    expect(s1.whSettled).toBeGreaterThanOrEqual(1_000);
    expect(await env().chain.connection.getAccountInfo(buy.order)).toBeNull();
    expect(await env().chain.connection.getAccountInfo(sell.order)).not.toBeNull();
    const deadline = Date.now() + 15_000;
    while ((await chainNow(env())) < expiresAt && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await envIndexer(env()).catchUp(); // the app's indexer has mirrored the sell by now
    const s2 = await mt.runPass("test");
    expect(s2.ordersClosed).toBeGreaterThanOrEqual(1);
    expect(await env().chain.connection.getAccountInfo(sell.order)).toBeNull();
    // The unfilled 1,000 Wh are back with the seller.
    expect(await tokenBalance(env(), gridAta(seller!.publicKey))).toBe(grid0 - 1_000n);
    await envIndexer(env()).catchUp();
    const [row] = await env().tdb.db.select().from(tradingOrders).where(eq(tradingOrders.orderPda, sell.order.toBase58()));
    expect(row).toMatchObject({ state: "expired_closed", filledWh: 1_000n, paidGrid: 1_000n });
    const v = await vaultInvariant(env());
    expect(v.actual).toEqual(v.expected);
  });

  it("/api/cron/match needs the bearer secret; matcherAdmin.runNow is for admins and audited", async () => {
    const mt = matcher();
    const bad = await handleMatchCron(new Request("http://x/api/cron/match", { headers: { authorization: "Bearer nope" } }), {
      secret: "s3cret",
      run: () => mt.runPass("cron"),
    });
    expect(bad.status).toBe(401);
    const ok = await handleMatchCron(new Request("http://x/api/cron/match", { headers: { authorization: "Bearer s3cret" } }), {
      secret: "s3cret",
      run: () => mt.runPass("cron"),
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, summary: { leader: true } });
    const failing = await handleMatchCron(new Request("http://x/api/cron/match", { headers: { authorization: "Bearer s3cret" } }), {
      secret: "s3cret",
      run: () => Promise.reject(new Error("rpc down at http://secret-host")),
    });
    expect(failing.status).toBe(503);
    const body = JSON.stringify(await failing.json());
    expect(body).toContain("MATCHER_FAILED");
    expect(body).not.toContain("secret-host");

    const { Keypair: Kp } = await import("@solana/web3.js");
    const admin = Kp.generate();
    const user = Kp.generate();
    const auth = chainAuthConfig([admin]);
    const ub = await signedInBrowser(env(), auth, user);
    await expect(ub.call((c) => c.matcherAdmin.runNow())).rejects.toMatchObject({ appCode: "FORBIDDEN" });
    await expect(ub.call((c) => c.matcherAdmin.runs())).rejects.toMatchObject({ appCode: "FORBIDDEN" });
    const ab = await signedInBrowser(env(), auth, admin);
    const summary = await ab.call((c) => c.matcherAdmin.runNow());
    expect(summary.leader).toBe(true);
    const audits = await env().tdb.db.select().from(auditLog).where(eq(auditLog.action, "job.matcher.run"));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor: admin.publicKey.toBase58(), targetType: "job", targetId: "matcher" });
    const runs = await ab.call((c) => c.matcherAdmin.runs({ limit: 5 }));
    expect(runs.length).toBeGreaterThan(0);
    expect(runs[0]!.attempts.length).toBeGreaterThan(0);
  });
});
