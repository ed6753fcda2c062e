/**
 * The cron routes' contract, called as Next calls them (the route modules' GET/POST with a
 * Request): a stable code and status for a wrong or missing secret, and a failed pass answers its
 * code without the internal message, which goes to the server log instead. The passes themselves
 * are stubbed: their own tests (mint-poller.test.ts, server/indexer) run them for real.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type * as PollerRun from "~/server/poller/run";

const passes = vi.hoisted(() => ({
  mint: vi.fn<() => Promise<unknown>>(),
  catchUp: vi.fn<() => Promise<number>>(),
  startIndexer: vi.fn<() => Promise<unknown>>(),
}));

vi.mock("~/server/poller/run", async (importOriginal) => ({
  ...(await importOriginal<typeof PollerRun>()),
  runMintPollerNow: passes.mint,
}));
vi.mock("~/server/indexer/background", () => ({ ensureIndexerStarted: passes.startIndexer }));

const { GET: mintGet, POST: mintPost } = await import("~/app/api/cron/mint/route");
const { GET: indexGet, POST: indexPost } = await import("~/app/api/cron/index/route");
const { APP_ERROR_CODES } = await import("~/lib/app-error-codes");

/** env.js's default CRON_SECRET (the tests run with the defaults). */
const SECRET = "gridtokenx-local-cron-secret";
const INTERNAL = "connect ECONNREFUSED 10.1.2.3:5432 password=hunter2";

type Handler = (request: Request) => Promise<Response>;
const routes: [string, Handler, Handler][] = [
  ["mint", mintGet, mintPost],
  ["index", indexGet, indexPost],
];

function call(handler: Handler, route: string, authorization?: string) {
  return handler(
    new Request(`http://localhost/api/cron/${route}`, {
      method: handler === mintPost || handler === indexPost ? "POST" : "GET",
      headers: authorization ? { authorization } : {},
    }),
  );
}

let logged: unknown[][];
beforeEach(() => {
  logged = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args));
  passes.startIndexer.mockResolvedValue({ catchUp: passes.catchUp });
});
afterEach(() => {
  vi.restoreAllMocks();
  passes.mint.mockReset();
  passes.catchUp.mockReset();
  passes.startIndexer.mockReset();
});

describe.each(routes)("/api/cron/%s", (route, get, post) => {
  it.each([
    ["no Authorization header", undefined],
    ["a wrong secret", "Bearer wrong-secret-wrong-secret-wrong"],
    ["the secret without Bearer", SECRET],
    ["a prefix of the secret", `Bearer ${SECRET.slice(0, -1)}`],
  ])("answers 401 CRON_UNAUTHORIZED for %s and runs nothing", async (_what, authorization) => {
    for (const handler of [get, post]) {
      const res = await call(handler, route, authorization);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(await res.json()).toEqual({
        error: { code: "CRON_UNAUTHORIZED", message: APP_ERROR_CODES.CRON_UNAUTHORIZED.meaning },
      });
    }
    expect(passes.mint).not.toHaveBeenCalled();
    expect(passes.catchUp).not.toHaveBeenCalled();
  });

  it("answers a failed pass with its code and 503, logging the cause instead of sending it", async () => {
    passes.mint.mockRejectedValue(new Error(INTERNAL));
    passes.catchUp.mockRejectedValue(new Error(INTERNAL));
    const code = route === "mint" ? "MINT_POLLER_FAILED" : "INDEXER_FAILED";
    for (const handler of [get, post]) {
      const res = await call(handler, route, `Bearer ${SECRET}`);
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(text).not.toContain("ECONNREFUSED");
      expect(text).not.toContain("hunter2");
      expect(JSON.parse(text)).toEqual({
        error: { code, message: APP_ERROR_CODES[code].meaning },
      });
    }
    expect(JSON.stringify(logged.map((args) => args.map(String)))).toContain("ECONNREFUSED");
  });

  it("with the secret, answers the pass's result", async () => {
    passes.mint.mockResolvedValue({ confirmed: 3, mintedWh: "18" });
    passes.catchUp.mockResolvedValue(7);
    const res = await call(post, route, `Bearer ${SECRET}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(
      route === "mint"
        ? { ok: true, summary: { confirmed: 3, mintedWh: "18" } }
        : { ok: true, applied: 7 },
    );
  });
});

describe("/api/cron/index", () => {
  it("an indexer that cannot start is INDEXER_FAILED, its reason only in the log", async () => {
    passes.startIndexer.mockRejectedValue(new Error(`database: ${INTERNAL}`));
    const res = await call(indexPost, "index", `Bearer ${SECRET}`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("INDEXER_FAILED");
    expect(logged.flat().map(String).join("\n")).toContain("hunter2");
  });
});
