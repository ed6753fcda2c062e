/**
 * The HTTP API through the typed client and raw requests: every route, zod-checked input refused
 * with its code and nothing changed, the block timer with confirmations, and the test knobs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ThbChainClient, ThbChainRequestError, signTransfer } from "./client";
import { UNITS_PER_THB } from "./encoding";
import { startThbChain, type StartedThbChain } from "./index";
import { keys, tempDir, waitFor } from "./test-support";

const THB = UNITS_PER_THB;
let manual: StartedThbChain;
let client: ThbChainClient;

beforeAll(async () => {
  manual = await startThbChain({ port: 0, dataDir: tempDir("http"), blockMs: 0, testKnobs: true, log: () => undefined });
  client = new ThbChainClient(manual.url);
});
afterAll(async () => {
  await manual.close();
});

async function raw(method: string, path: string, body?: string, headers: Record<string, string> = { "content-type": "application/json" }) {
  const res = await fetch(`${manual.url}${path}`, { method, body, headers: body === undefined ? undefined : headers });
  return { status: res.status, json: (await res.json()) as { error?: { code: string; message: string; details?: unknown } } & Record<string, unknown> };
}

/** Expects the request to be refused with `status`/`code`, and the chain's state unchanged. */
async function refused(status: number, code: string, method: string, path: string, body?: string, headers?: Record<string, string>) {
  const before = manual.chain.digest();
  const r = await raw(method, path, body, headers);
  expect(r.status).toBe(status);
  expect(r.json.error?.code).toBe(code);
  expect(typeof r.json.error?.message).toBe("string");
  expect(manual.chain.digest()).toBe(before);
  return r.json.error!;
}

describe("THB chain HTTP API", () => {
  it("serves health, tip, accounts, fund, transfers, blocks", async () => {
    const [alice, bob] = keys(2);
    expect(await client.health()).toMatchObject({ ok: true, chainId: manual.chain.chainId });
    const tip0 = await client.tip();
    expect(tip0).toMatchObject({ confirmationsRequired: 3, blockMs: 0, testKnobs: true, mempool: 0 });
    expect(await client.account(alice!.address)).toEqual({
      address: alice!.address,
      balance: "0",
      confirmedBalance: "0",
      pendingBalance: "0",
      nonce: 0,
      confirmationsRequired: 3,
    });
    const fund = await client.fund(alice!.address, 50n * THB);
    expect(fund).toMatchObject({ kind: "fund", from: null, to: alice!.address, amount: String(50n * THB), status: "pending" });
    const sent = await client.send(alice!, { to: bob!.address, amount: 12n * THB, memo: "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU" });
    expect(sent).toMatchObject({ kind: "transfer", from: alice!.address, nonce: 0, status: "pending", memo: "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU" });
    const produced = await client.produceBlocks(3);
    expect(produced.blocks.map((b) => b.transfers)).toEqual([2, 0, 0]);
    expect(await client.transfer(sent.id)).toMatchObject({ status: "confirmed", height: tip0.height + 1, confirmations: 3 });
    expect(await client.transfer("0".repeat(64))).toBeNull();
    expect(await client.account(bob!.address)).toMatchObject({ balance: String(12n * THB), confirmedBalance: String(12n * THB) });
    const incoming = await client.accountTransfers(bob!.address, { since: tip0.height + 1, direction: "in" });
    expect(incoming).toMatchObject({ address: bob!.address, tip: tip0.height + 3, truncated: false });
    expect(incoming.transfers.map((t) => t.id)).toEqual([sent.id]);
    expect((await client.accountTransfers(bob!.address, { since: tip0.height + 2 })).transfers).toEqual([]);
    const blocks = await client.blocks({ from: tip0.height + 1, to: tip0.height + 2 });
    expect(blocks.blocks.map((b) => b.height)).toEqual([tip0.height + 1, tip0.height + 2]);
    expect(blocks.blocks[0]!.transfers.map((t) => t.id)).toEqual([fund.id, sent.id]);
    expect((await client.blocks()).blocks.at(-1)!.height).toBe(tip0.height + 3);
  });

  it("refuses bad input with a code and changes nothing", async () => {
    const [alice, bob] = keys(2);
    await client.fund(alice!.address, 10n * THB);
    const chainId = await client.chainId();
    const { body } = signTransfer(alice!, chainId, { to: bob!.address, amount: THB, nonce: 0, memo: "m" });
    const post = (o: unknown) => JSON.stringify(o);

    // zod: shape, types, extra keys, amounts as strings only, memo size
    const e = await refused(400, "INVALID_INPUT", "POST", "/transfers", post({ ...body, amount: 1000000 }));
    expect(e.details).toMatchObject({ issues: [{ path: "amount" }] });
    await refused(400, "INVALID_INPUT", "POST", "/transfers", post({ ...body, amount: "-5" }));
    await refused(400, "INVALID_INPUT", "POST", "/transfers", post({ ...body, amount: "0" }));
    await refused(400, "INVALID_INPUT", "POST", "/transfers", post({ ...body, amount: "18446744073709551616" }));
    await refused(400, "INVALID_INPUT", "POST", "/transfers", post({ ...body, nonce: 1.5 }));
    await refused(400, "INVALID_INPUT", "POST", "/transfers", post({ ...body, to: "0OIl" }));
    await refused(400, "INVALID_INPUT", "POST", "/transfers", post({ ...body, extra: true }));
    await refused(400, "INVALID_INPUT", "POST", "/transfers", post({ ...body, memo: "x".repeat(257) }));
    await refused(400, "INVALID_INPUT", "POST", "/transfers", post([body]));
    await refused(400, "INVALID_INPUT", "POST", "/fund", post({ address: alice!.address, amount: "1.5" }));
    await refused(400, "INVALID_INPUT", "POST", "/fund", post({ address: alice!.address }));
    // the body itself
    await refused(400, "MALFORMED_JSON", "POST", "/transfers", "{not json");
    await refused(400, "MALFORMED_JSON", "POST", "/transfers", "");
    await refused(415, "UNSUPPORTED_MEDIA_TYPE", "POST", "/transfers", post(body), { "content-type": "text/plain" });
    await refused(413, "PAYLOAD_TOO_LARGE", "POST", "/transfers", post({ ...body, memo: "x".repeat(20_000) }));
    // the ledger's refusals
    await refused(400, "INVALID_SIGNATURE", "POST", "/transfers", post({ ...body, memo: "M" }));
    await refused(409, "NONCE_TOO_HIGH", "POST", "/transfers", post(signTransfer(alice!, chainId, { to: bob!.address, amount: THB, nonce: 3 }).body));
    await refused(409, "INSUFFICIENT_FUNDS", "POST", "/transfers", post(signTransfer(alice!, chainId, { to: bob!.address, amount: 11n * THB, nonce: 0 }).body));
    await refused(400, "SELF_TRANSFER", "POST", "/transfers", post(signTransfer(alice!, chainId, { to: alice!.address, amount: THB, nonce: 0 }).body));
    const ok = await client.submitTransfer(body);
    const dup = await refused(409, "DUPLICATE_TRANSFER", "POST", "/transfers", post(body));
    expect(dup.details).toEqual({ id: ok.id, status: "pending" });
    expect(await client.submitTransfer(body, { idempotent: true })).toMatchObject({ id: ok.id });
    await refused(409, "NONCE_USED", "POST", "/transfers", post(signTransfer(alice!, chainId, { to: bob!.address, amount: 2n, nonce: 0 }).body));
    // paths and queries
    await refused(400, "INVALID_ADDRESS", "GET", "/accounts/nope");
    await refused(400, "INVALID_INPUT", "GET", `/accounts/${alice!.address}/transfers?since=-1`);
    await refused(400, "INVALID_INPUT", "GET", `/accounts/${alice!.address}/transfers?direction=sideways`);
    await refused(400, "INVALID_INPUT", "GET", `/accounts/${alice!.address}/transfers?bogus=1`);
    await refused(400, "INVALID_INPUT", "GET", "/blocks?from=5&to=2");
    await refused(400, "INVALID_INPUT", "GET", "/blocks?from=0&to=500");
    await refused(404, "TRANSFER_NOT_FOUND", "GET", "/transfers/xyz");
    await refused(404, "NOT_FOUND", "GET", "/nowhere");
    await refused(405, "METHOD_NOT_ALLOWED", "DELETE", "/tip");
    await refused(400, "INVALID_INPUT", "POST", "/admin/reorg", post({ depth: "1" }));
    await refused(409, "REORG_TOO_DEEP", "POST", "/admin/reorg", post({ depth: 5 }));
    const err = await client.fund("x", 1n).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThbChainRequestError);
    expect(err).toMatchObject({ code: "INVALID_INPUT", status: 400 });
  });

  it("reorgs over HTTP: a dropped deposit is gone for readers", async () => {
    const [user, bridge] = keys(2);
    await client.fund(user!.address, 5n * THB);
    await client.produceBlocks(1);
    const dep = await client.send(user!, { to: bridge!.address, amount: 5n * THB, memo: "wallet" });
    const { tip } = await client.produceBlocks(1);
    expect((await client.accountTransfers(bridge!.address, { direction: "in" })).transfers.map((t) => [t.id, t.height])).toEqual([[dep.id, tip]]);
    const r = await client.reorg(1);
    expect(r).toMatchObject({ dropped: [dep.id], tip: tip - 1 });
    expect(await client.transfer(dep.id)).toMatchObject({ status: "dropped", height: null });
    expect((await client.accountTransfers(bridge!.address)).transfers).toEqual([]);
    expect((await client.account(bridge!.address)).balance).toBe("0");
  });

  it("refuses the test knobs when they are off", async () => {
    const plain = await startThbChain({ port: 0, dataDir: tempDir("http-plain"), blockMs: 0, log: () => undefined });
    try {
      for (const [path, body] of [
        ["/admin/reorg", { depth: 1 }],
        ["/admin/blocks", { count: 1 }],
        ["/admin/snapshot", {}],
      ] as const) {
        const res = await fetch(`${plain.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        expect(res.status).toBe(403);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("TEST_KNOBS_DISABLED");
      }
    } finally {
      await plain.close();
    }
  });

  it("makes blocks on its timer; a transfer reaches its confirmation depth", async () => {
    const timed = await startThbChain({ port: 0, dataDir: tempDir("http-timer"), blockMs: 20, confirmations: 3, log: () => undefined });
    try {
      const c = new ThbChainClient(timed.url);
      const [a, b] = keys(2);
      await c.fund(a!.address, THB);
      // Spending a pending fund is allowed (the pending state includes the mempool).
      const t = await c.send(a!, { to: b!.address, amount: THB, memo: "" });
      const done = await c.waitForTransfer(t.id, (x) => x.status === "confirmed", { intervalMs: 10 });
      expect(done.confirmations).toBeGreaterThanOrEqual(3);
      const tip = await waitFor("three more blocks", async () => {
        const now = await c.tip();
        return now.height >= done.height! + 5 ? now : undefined;
      });
      expect(tip.timestamp).toBeGreaterThanOrEqual(done.timestamp!);
      const blocks = await c.blocks({ from: done.height!, to: done.height! + 3 });
      for (let i = 1; i < blocks.blocks.length; i++) {
        expect(blocks.blocks[i]!.parentHash).toBe(blocks.blocks[i - 1]!.hash);
        expect(blocks.blocks[i]!.timestamp).toBeGreaterThanOrEqual(blocks.blocks[i - 1]!.timestamp);
      }
    } finally {
      await timed.close();
    }
  });
});
