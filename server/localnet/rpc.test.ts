/** The JSON-RPC surface at the wire level: envelopes, error codes and shapes, duplicates, cheats. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from "@solana/web3.js";
import bs58 from "bs58";
import { WebSocket } from "ws";
import type { Localnet } from "./index";
import { rpc, rpcOk, rpcRaw, startTestChain, waitFor, type RpcReply } from "./test-support";

let net: Localnet;
let cheats: Localnet;

beforeAll(async () => {
  [net, cheats] = await Promise.all([startTestChain(), startTestChain({ cheats: true })]);
});

afterAll(async () => {
  await Promise.all([net.close(), cheats.close()]);
});

async function fundedKey(url: string, sol = 5): Promise<Keypair> {
  const kp = Keypair.generate();
  const sig = await rpcOk<string>(url, "requestAirdrop", [kp.publicKey.toBase58(), sol * LAMPORTS_PER_SOL]);
  expect(sig).toMatch(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/);
  return kp;
}

async function signedTransfer(url: string, from: Keypair, lamports: number, blockhash?: string): Promise<Transaction> {
  const bh = blockhash ?? (await rpcOk<{ value: { blockhash: string } }>(url, "getLatestBlockhash", [{ commitment: "processed" }])).value.blockhash;
  const tx = new Transaction({ feePayer: from.publicKey, recentBlockhash: bh }).add(
    SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: Keypair.generate().publicKey, lamports }),
  );
  tx.sign(from);
  return tx;
}

const b64 = (tx: Transaction) => tx.serialize().toString("base64");

describe("JSON-RPC envelope", () => {
  it("echoes string, number and null ids", async () => {
    expect((await rpc(net.rpcUrl, "getHealth", [], "abc")).id).toBe("abc");
    expect((await rpc(net.rpcUrl, "getHealth", [], 42)).id).toBe(42);
    expect(await rpc(net.rpcUrl, "getHealth", [], null)).toEqual({ jsonrpc: "2.0", result: "ok", id: null });
  });

  it("answers batches in order, each with its own id and outcome", async () => {
    const out = (await rpcRaw(net.rpcUrl, [
      { jsonrpc: "2.0", id: 1, method: "getSlot" },
      { jsonrpc: "2.0", id: 2, method: "noSuchMethod" },
      { jsonrpc: "2.0", id: 3, method: "getGenesisHash" },
    ])) as RpcReply[];
    expect(out.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(typeof out[0]!.result).toBe("number");
    expect(out[1]!.error).toEqual({ code: -32601, message: "Method not found" });
    expect(out[2]!.result).toBe(net.genesisHash);
    expect(await rpcRaw(net.rpcUrl, [])).toMatchObject({ error: { code: -32600 } });
  });

  it("reports parse errors, invalid requests and invalid params with their codes", async () => {
    const res = await fetch(net.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(await res.json()).toEqual({ jsonrpc: "2.0", error: { code: -32700, message: "Parse error" }, id: null });
    expect(await rpcRaw(net.rpcUrl, { id: 1, method: "getSlot" })).toMatchObject({ error: { code: -32600 }, id: 1 });
    const bad = await rpc(net.rpcUrl, "getBalance", ["not-an-address"]);
    expect(bad.error?.code).toBe(-32602);
    expect((await rpc(net.rpcUrl, "getSlot", [{ commitment: "sometimes" }])).error?.code).toBe(-32602);
    expect((await rpc(net.rpcUrl, "getMultipleAccounts", [Array(101).fill(Keypair.generate().publicKey.toBase58())])).error?.code).toBe(-32602);
    const min = await rpc(net.rpcUrl, "getBalance", [Keypair.generate().publicKey.toBase58(), { minContextSlot: 10 ** 12 }]);
    expect(min.error).toMatchObject({ code: -32016, message: "Minimum context slot has not been reached" });
  });

  it("allows cross-origin browser calls and answers GET /health", async () => {
    const pre = await fetch(net.rpcUrl, { method: "OPTIONS" });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    const health = await fetch(`${net.rpcUrl}/health`);
    expect(await health.text()).toBe("ok");
  });
});

describe("transactions", () => {
  it("rejects an unknown blockhash with agave's BlockhashNotFound preflight error, with or without preflight", async () => {
    const from = await fundedKey(net.rpcUrl);
    const tx = await signedTransfer(net.rpcUrl, from, LAMPORTS_PER_SOL, Keypair.generate().publicKey.toBase58());
    for (const skipPreflight of [false, true]) {
      const r = await rpc(net.rpcUrl, "sendTransaction", [b64(tx), { encoding: "base64", skipPreflight }]);
      expect(r.error).toMatchObject({ code: -32002, message: "Transaction simulation failed: Blockhash not found", data: { err: "BlockhashNotFound" } });
    }
    const st = await rpcOk<{ value: unknown[] }>(net.rpcUrl, "getSignatureStatuses", [[bs58.encode(tx.signature!)]]);
    expect(st.value).toEqual([null]);
  });

  it("refuses a bad signature with -32003 and changes nothing", async () => {
    const from = await fundedKey(net.rpcUrl);
    const tx = await signedTransfer(net.rpcUrl, from, LAMPORTS_PER_SOL);
    const raw = tx.serialize();
    raw[10] = raw[10]! ^ 0xff;
    const before = await rpcOk<{ value: number }>(net.rpcUrl, "getBalance", [from.publicKey.toBase58()]);
    for (const skipPreflight of [false, true]) {
      const r = await rpc(net.rpcUrl, "sendTransaction", [raw.toString("base64"), { encoding: "base64", skipPreflight }]);
      expect(r.error).toEqual({ code: -32003, message: "Transaction signature verification failure" });
    }
    // The value only: the context slot moves on with the slot timer.
    const after = await rpcOk<{ value: number }>(net.rpcUrl, "getBalance", [from.publicKey.toBase58()]);
    expect(after.value).toBe(before.value);
  });

  it("refuses malformed and oversized transactions with -32602", async () => {
    expect((await rpc(net.rpcUrl, "sendTransaction", ["AAAA", { encoding: "base64" }])).error?.code).toBe(-32602);
    expect((await rpc(net.rpcUrl, "sendTransaction", ["A".repeat(2000), { encoding: "base64" }])).error?.code).toBe(-32602);
    expect((await rpc(net.rpcUrl, "sendTransaction", ["0OIl", {}])).error?.code).toBe(-32602);
  });

  it("treats a resent signature as a duplicate: AlreadyProcessed under preflight, the same signature without", async () => {
    const from = await fundedKey(net.rpcUrl);
    const tx = await signedTransfer(net.rpcUrl, from, LAMPORTS_PER_SOL);
    const first = await rpcOk<string>(net.rpcUrl, "sendTransaction", [b64(tx), { encoding: "base64" }]);
    const dup = await rpc(net.rpcUrl, "sendTransaction", [b64(tx), { encoding: "base64" }]);
    expect(dup.error).toMatchObject({ code: -32002, message: "Transaction simulation failed: This transaction has already been processed", data: { err: "AlreadyProcessed" } });
    expect(await rpcOk(net.rpcUrl, "sendTransaction", [b64(tx), { encoding: "base64", skipPreflight: true }])).toBe(first);
    // Charged once: one transfer and one fee.
    expect(await rpcOk<{ value: number }>(net.rpcUrl, "getBalance", [from.publicKey.toBase58()])).toMatchObject({
      value: 4 * LAMPORTS_PER_SOL - 5000,
    });
  });

  it("lands a failing transaction sent without preflight: fee charged, error and logs recorded", async () => {
    const from = await fundedKey(net.rpcUrl, 1);
    const tx = await signedTransfer(net.rpcUrl, from, 2 * LAMPORTS_PER_SOL);
    const sig = await rpcOk<string>(net.rpcUrl, "sendTransaction", [b64(tx), { encoding: "base64", skipPreflight: true }]);
    const status = await waitFor("status", async () => {
      const s = await rpcOk<{ value: ({ err: unknown; confirmationStatus: string } | null)[] }>(net.rpcUrl, "getSignatureStatuses", [[sig]]);
      return s.value[0] ?? undefined;
    });
    expect(status.err).toEqual({ InstructionError: [0, { Custom: 1 }] });
    const got = await rpcOk<{ meta: { err: unknown; logMessages: string[]; fee: number } }>(net.rpcUrl, "getTransaction", [sig, { commitment: "confirmed" }]);
    expect(got.meta.err).toEqual({ InstructionError: [0, { Custom: 1 }] });
    expect(got.meta.logMessages.join("\n")).toContain("insufficient lamports");
    expect(await rpcOk<{ value: number }>(net.rpcUrl, "getBalance", [from.publicKey.toBase58()])).toMatchObject({ value: LAMPORTS_PER_SOL - 5000 });
  });

  it("simulates without sigVerify by default and returns the requested accounts, changing nothing", async () => {
    const from = await fundedKey(net.rpcUrl);
    const tx = await signedTransfer(net.rpcUrl, from, LAMPORTS_PER_SOL);
    const raw = tx.serialize();
    raw.fill(0, 1, 65); // blank the signature
    const sim = await rpcOk<{ context: { slot: number }; value: { err: unknown; accounts: ({ lamports: number; data: [string, string]; rentEpoch: number } | null)[]; unitsConsumed: number; returnData: unknown } }>(
      net.rpcUrl,
      "simulateTransaction",
      [raw.toString("base64"), { encoding: "base64", accounts: { encoding: "base64", addresses: [from.publicKey.toBase58()] } }],
    );
    expect(sim.value.err).toBeNull();
    expect(sim.value.accounts[0]).toMatchObject({ lamports: 4 * LAMPORTS_PER_SOL - 5000, data: ["", "base64"], rentEpoch: 0 });
    expect(sim.value.returnData).toBeNull();
    expect(await rpcOk<{ value: number }>(net.rpcUrl, "getBalance", [from.publicKey.toBase58()])).toMatchObject({ value: 5 * LAMPORTS_PER_SOL });
    const both = await rpc(net.rpcUrl, "simulateTransaction", [b64(tx), { encoding: "base64", sigVerify: true, replaceRecentBlockhash: true }]);
    expect(both.error?.code).toBe(-32602);
  });

  it("shapes account reads like agave: base64, base58, legacy binary and jsonParsed fallbacks", async () => {
    const who = await fundedKey(net.rpcUrl, 1);
    const a = await rpcOk<{ context: { slot: number; apiVersion: string }; value: Record<string, unknown> }>(net.rpcUrl, "getAccountInfo", [
      who.publicKey.toBase58(),
      { encoding: "base64" },
    ]);
    // A context slot, at most the newest one (a young chain's finalized slot may still be 0).
    expect(Number.isSafeInteger(a.context.slot)).toBe(true);
    expect(a.context.slot).toBeLessThanOrEqual(await rpcOk<number>(net.rpcUrl, "getSlot", [{ commitment: "processed" }]));
    expect(a.value).toEqual({ data: ["", "base64"], executable: false, lamports: LAMPORTS_PER_SOL, owner: "11111111111111111111111111111111", rentEpoch: 0, space: 0 });
    const legacy = await rpcOk<{ value: { data: unknown } }>(net.rpcUrl, "getAccountInfo", [who.publicKey.toBase58()]);
    expect(legacy.value.data).toBe("");
    const parsed = await rpcOk<{ value: { data: unknown } }>(net.rpcUrl, "getAccountInfo", [who.publicKey.toBase58(), { encoding: "jsonParsed" }]);
    expect(parsed.value.data).toEqual(["", "base64"]);
    const missing = await rpcOk<{ value: unknown }>(net.rpcUrl, "getAccountInfo", [Keypair.generate().publicKey.toBase58(), { encoding: "base64" }]);
    expect(missing.value).toBeNull();
    const big = await rpc(net.rpcUrl, "getAccountInfo", ["MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr", { encoding: "base58" }]);
    expect(big.error?.code).toBe(-32600);
  });
});

describe("pubsub wire details", () => {
  function open(url: string): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once("open", () => resolve(ws));
      ws.once("error", reject);
    });
  }
  function collect(ws: WebSocket): unknown[] {
    const got: unknown[] = [];
    ws.on("message", (d: Buffer) => got.push(JSON.parse(d.toString("utf8"))));
    return got;
  }

  it("uses numeric subscription ids, ignores pings, sends received/processed signature notifications and ends the subscription", async () => {
    const from = await fundedKey(net.rpcUrl);
    const tx = await signedTransfer(net.rpcUrl, from, LAMPORTS_PER_SOL);
    const sig = bs58.encode(tx.signature!);
    const ws = await open(net.wsUrl);
    const got = collect(ws);
    ws.send(JSON.stringify({ jsonrpc: "2.0", method: "ping" }));
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "signatureSubscribe", params: [sig, { commitment: "processed", enableReceivedNotification: true }] }));
    const reply = (await waitFor("reply", () => got.find((m) => (m as { id?: number }).id === 7))) as { result: number };
    expect(typeof reply.result).toBe("number");
    await rpcOk(net.rpcUrl, "sendTransaction", [b64(tx), { encoding: "base64" }]);
    const notes = await waitFor("notifications", () => {
      const n = got.filter((m) => (m as { method?: string }).method === "signatureNotification");
      return n.length >= 2 ? n : undefined;
    });
    expect(notes.map((n) => (n as { params: { result: { value: unknown } } }).params.result.value)).toEqual(["receivedSignature", { err: null }]);
    // The final notification removed the subscription.
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 8, method: "signatureUnsubscribe", params: [reply.result] }));
    const unsub = (await waitFor("unsubscribe reply", () => got.find((m) => (m as { id?: number }).id === 8))) as RpcReply;
    expect(unsub.error?.code).toBe(-32602);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 9, method: "rootSubscribe" }));
    const root = (await waitFor("root reply", () => got.find((m) => (m as { id?: number }).id === 9))) as { result: number };
    await waitFor("root notification", () => got.find((m) => (m as { method?: string }).method === "rootNotification"));
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 10, method: "rootUnsubscribe", params: [root.result] }));
    expect(await waitFor("unsub", () => got.find((m) => (m as { id?: number }).id === 10))).toMatchObject({ result: true });
    // No reply was ever sent for the ping.
    expect(got.every((m) => (m as { id?: unknown }).id !== undefined || (m as { method?: string }).method !== undefined)).toBe(true);
    ws.close();
  });
});

describe("cheat methods", () => {
  it("are off by default, with a message that says how to turn them on", async () => {
    const r = await rpc(net.rpcUrl, "localnet_setAccount", [Keypair.generate().publicKey.toBase58(), { lamports: 1 }]);
    expect(r.error?.code).toBe(-32601);
    expect(r.error?.message).toContain("--cheats");
  });

  it("set accounts, add lamports and warp slots and time when enabled", async () => {
    const who = Keypair.generate().publicKey.toBase58();
    const owner = Keypair.generate().publicKey.toBase58();
    await rpcOk(cheats.rpcUrl, "localnet_setAccount", [who, { lamports: 5_000_000, data: Buffer.from([1, 2, 3]).toString("base64"), owner }]);
    const info = await rpcOk<{ value: { owner: string; data: [string, string] } }>(cheats.rpcUrl, "getAccountInfo", [who, { encoding: "base64" }]);
    expect(info.value.owner).toBe(owner);
    expect(Buffer.from(info.value.data[0], "base64")).toEqual(Buffer.from([1, 2, 3]));
    expect(await rpcOk(cheats.rpcUrl, "localnet_airdrop", [who, 1_000])).toMatchObject({ value: 5_001_000 });
    const before = await rpcOk<number>(cheats.rpcUrl, "getSlot", [{ commitment: "processed" }]);
    await rpcOk(cheats.rpcUrl, "localnet_warpSlots", [1000]);
    expect(await rpcOk<number>(cheats.rpcUrl, "getSlot", [{ commitment: "processed" }])).toBeGreaterThanOrEqual(before + 1000);
    const t0 = await rpcOk<number>(cheats.rpcUrl, "getBlockTime", [await rpcOk<number>(cheats.rpcUrl, "getSlot", [{ commitment: "processed" }])]);
    const warped = await rpcOk<{ value: number }>(cheats.rpcUrl, "localnet_warpTime", [86_400]);
    expect(warped.value).toBeGreaterThanOrEqual(t0 + 86_400);
    // Bad input changes nothing.
    expect((await rpc(cheats.rpcUrl, "localnet_setAccount", [who, { lamports: 0 }])).error?.code).toBe(-32602);
    expect((await rpc(cheats.rpcUrl, "localnet_setAccount", [who, { data: "%%%" }])).error?.code).toBe(-32602);
    expect(await rpcOk<{ value: number }>(cheats.rpcUrl, "getBalance", [who])).toMatchObject({ value: 5_001_000 });
  });
});
