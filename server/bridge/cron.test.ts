/**
 * GET/POST /api/cron/bridge, called as Next calls it (the route module with a Request): 401
 * CRON_UNAUTHORIZED without the secret (and no pass run), `{ ok, summary }` for a pass, and 503
 * BRIDGE_FAILED for a pass that cannot run — here for real: the tests have no THB_CHAIN_URL, so
 * the app's own runBridgePassNow refuses — with the cause logged and never sent.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type * as BridgeRun from "~/server/bridge/run";

const spies = vi.hoisted(() => {
  delete process.env.THB_CHAIN_URL; // before env.js reads it: this process has no THB chain
  return { startIndexer: vi.fn<() => Promise<unknown>>() };
});
vi.mock("~/server/indexer/background", () => ({ ensureIndexerStarted: spies.startIndexer }));
vi.mock("~/server/bridge/run", async (importOriginal) => {
  const real = await importOriginal<typeof BridgeRun>();
  return { ...real, runBridgePassNow: vi.fn(real.runBridgePassNow) };
});

const { GET, POST } = await import("~/app/api/cron/bridge/route");
const run = await import("~/server/bridge/run");
const SECRET = "gridtokenx-local-cron-secret"; // env.js's default (the tests run with the defaults)

const call = (handler: typeof GET, authorization?: string) =>
  handler(new Request("http://localhost/api/cron/bridge", { method: handler === POST ? "POST" : "GET", headers: authorization ? { authorization } : {} }));

let logged: unknown[][];
beforeEach(() => {
  logged = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args));
  spies.startIndexer.mockResolvedValue({});
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.mocked(run.runBridgePassNow).mockClear();
});

describe("/api/cron/bridge", () => {
  it.each([
    ["no Authorization header", undefined],
    ["a wrong secret", "Bearer not-the-secret-at-all"],
    ["another scheme", `Basic ${SECRET}`],
  ])("%s: 401 CRON_UNAUTHORIZED, no pass", async (_label, authorization) => {
    for (const handler of [GET, POST]) {
      const res = await call(handler, authorization);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(await res.json()).toMatchObject({ error: { code: "CRON_UNAUTHORIZED" } });
    }
    expect(run.runBridgePassNow).not.toHaveBeenCalled();
  });

  it("answers a pass's summary", async () => {
    const summary = { thbChainId: "thb-sim-x", thbTip: 7, minted: 2, errors: [] };
    vi.mocked(run.runBridgePassNow).mockResolvedValueOnce(summary as unknown as Awaited<ReturnType<typeof run.runBridgePassNow>>);
    const res = await call(POST, `Bearer ${SECRET}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, summary });
  });

  it("a pass that cannot run (no THB_CHAIN_URL here) is 503 BRIDGE_FAILED; the reason is logged, not sent", async () => {
    const res = await call(GET, `Bearer ${SECRET}`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("BRIDGE_FAILED");
    expect(body.error.message).not.toMatch(/THB_CHAIN_URL/);
    expect(logged.flat().map(String).join(" ")).toMatch(/THB_CHAIN_URL is not set/);
  });
});
