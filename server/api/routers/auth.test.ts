/**
 * Sign-in with the wallet, end to end through the routers (createCaller), on a real database:
 * PostgreSQL when TEST_POSTGRES_URL is set, else PGlite (createTestDb prints which).
 * Every rejection is checked for its own code AND for leaving no trace: no user, no session, no
 * audit row, and (for failures before the signature passes) the nonce still usable.
 */
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getNonce } from "~/db/queries/auth";
import { setUserRole, setUserStatus } from "~/db/queries/users";
import { auditLog, sessions, users } from "~/db/schema";
import { createTestDb, type TestDb } from "~/db/testing";
import { parseAppError, type AppErrorCode } from "~/lib/app-error-codes";
import { buildSiwsMessage, parseSiwsMessage, type SiwsFields } from "~/lib/siws";
import { rpcGenesisHash } from "~/server/auth/genesis-hash";
import { signSessionToken } from "~/server/auth/session-cookie";
import {
  createBrowser,
  createWallet,
  randomBase58,
  signInWith,
  testAuthConfig,
  TestClock,
} from "../testing";
import {
  adminProcedure,
  createCallerFactory,
  createTRPCContext,
  createTRPCRouter,
  signedInProcedure,
} from "../trpc";

let tdb: TestDb;
beforeAll(async () => {
  tdb = await createTestDb();
  console.info(`[auth.test] database driver: ${tdb.driver}`);
});
afterAll(async () => {
  await tdb.close();
});

async function expectAppError(promise: Promise<unknown>, code: AppErrorCode) {
  const err = await promise.then(
    () => {
      throw new Error(`expected ${code}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(parseAppError(err).code).toBe(code);
  return err;
}

async function tableCounts() {
  const [[u], [s], [a]] = await Promise.all([
    tdb.db.select({ n: count() }).from(users),
    tdb.db.select({ n: count() }).from(sessions),
    tdb.db.select({ n: count() }).from(auditLog),
  ]);
  return { users: u?.n ?? -1, sessions: s?.n ?? -1, audit: a?.n ?? -1 };
}

/** Re-signs a variant of a challenge message, as a wallet would sign whatever it is shown. */
function variant(message: string, change: Partial<SiwsFields>): string {
  const parsed = parseSiwsMessage(message);
  if (!parsed.ok) throw new Error(parsed.reason);
  return buildSiwsMessage({ ...parsed.fields, ...change });
}

describe("auth.challenge", () => {
  it("issues a SIWS message naming the domain, account, cluster and a fresh nonce", async () => {
    const auth = testAuthConfig();
    const b = createBrowser(tdb, auth);
    const w = createWallet();
    const c = await b.call((x) => x.auth.challenge({ publicKey: w.publicKey }));
    const parsed = parseSiwsMessage(c.message);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.fields).toMatchObject({
      domain: auth.domain,
      address: w.publicKey,
      uri: auth.uri,
      chainId: "localnet",
      nonce: c.nonce,
      genesisHash: await auth.getGenesisHash(),
    });
    expect(c.expiresAt).toBeInstanceOf(Date);
    expect(c.expiresAt.getTime() - parsed.fields.issuedAt.getTime()).toBe(300_000);
    const row = await getNonce(tdb.db, { nonce: c.nonce });
    expect(row?.walletAddress).toBe(w.publicKey);
    expect(row?.consumedAt).toBeNull();
  });

  it("rejects a malformed public key with field errors and stores nothing", async () => {
    const b = createBrowser(tdb, testAuthConfig());
    const err = await expectAppError(
      b.call((x) => x.auth.challenge({ publicKey: "not-a-key" })),
      "VALIDATION_FAILED",
    );
    expect(parseAppError(err).fieldErrors?.publicKey?.[0]).toMatch(/base58/);
  });

  it("answers CHAIN_UNAVAILABLE when the genesis hash cannot be fetched", async () => {
    const auth = testAuthConfig({ getGenesisHash: rpcGenesisHash("http://127.0.0.1:9/") });
    const b = createBrowser(tdb, auth);
    await expectAppError(
      b.call((x) => x.auth.challenge({ publicKey: createWallet().publicKey })),
      "CHAIN_UNAVAILABLE",
    );
  });

  it("is rate limited per client IP (RATE_LIMITED with Retry-After)", async () => {
    const b = createBrowser(tdb, testAuthConfig());
    const w = createWallet();
    let limited: unknown;
    for (let i = 0; i < 25 && !limited; i++) {
      limited = await b.call((x) => x.auth.challenge({ publicKey: w.publicKey })).then(
        () => undefined,
        (e: unknown) => e,
      );
    }
    expect(parseAppError(limited).code).toBe("RATE_LIMITED");
    expect(Number(b.lastResHeaders.get("retry-after"))).toBeGreaterThan(0);
    // Another client is not affected.
    const other = createBrowser(tdb, testAuthConfig());
    await expect(other.call((x) => x.auth.challenge({ publicKey: w.publicKey }))).resolves.toBeTruthy();
  });
});

describe("auth.signIn happy path", () => {
  it("creates the user and a session, sets the cookie, and auth.me accepts it", async () => {
    const auth = testAuthConfig();
    const b = createBrowser(tdb, auth);
    const w = createWallet();
    expect(await b.call((x) => x.auth.me())).toBeNull();

    const res = await signInWith(b, w, "prosumer");
    expect(res.user).toEqual({ wallet: w.publicKey, role: "prosumer", name: null });

    const setCookie = b.lastResHeaders.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^gtx_session=[\w-]+\.[\w-]+\.[\w-]+; /);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).toContain("Max-Age=3600");
    expect(setCookie).not.toContain("Secure");

    expect(await b.call((x) => x.auth.me())).toEqual(res.user);

    const [user] = await tdb.db.select().from(users).where(eq(users.walletAddress, w.publicKey));
    expect(user?.role).toBe("prosumer");
    const userSessions = await tdb.db.select().from(sessions).where(eq(sessions.userId, user!.id));
    expect(userSessions).toHaveLength(1);
    expect(userSessions[0]?.ip).toBe(b.ip);
    const audit = await tdb.db.select().from(auditLog).where(eq(auditLog.actorId, user!.id));
    expect(audit.map((a) => a.action)).toEqual(["auth.sign_in"]);
    expect(audit[0]?.details).toMatchObject({ created: true, role: "prosumer" });
  });

  it("defaults to consumer, and the role is only chosen when the account is created", async () => {
    const auth = testAuthConfig();
    const w = createWallet();
    expect((await signInWith(createBrowser(tdb, auth), w)).user.role).toBe("consumer");
    expect((await signInWith(createBrowser(tdb, auth), w, "prosumer")).user.role).toBe("consumer");
  });

  it("gives wallets in ADMIN_WALLETS the admin role, also for existing users", async () => {
    const w = createWallet();
    await signInWith(createBrowser(tdb, testAuthConfig()), w, "prosumer");
    const auth = testAuthConfig({ adminWallets: new Set([w.publicKey]) });
    const b = createBrowser(tdb, auth);
    expect((await signInWith(b, w)).user.role).toBe("admin");
    expect((await b.call((x) => x.auth.me()))?.role).toBe("admin");
  });

  it("stores a new account's display name, trimmed; an existing account keeps its own", async () => {
    const auth = testAuthConfig();
    const w = createWallet();
    const b = createBrowser(tdb, auth);
    const first = await b.call(async (x) => {
      const ch = await x.auth.challenge({ publicKey: w.publicKey });
      return x.auth.signIn({
        publicKey: w.publicKey,
        message: ch.message,
        signature: w.sign(ch.message),
        role: "prosumer",
        name: "  Khun Malee ",
      });
    });
    expect(first.user).toEqual({ wallet: w.publicKey, role: "prosumer", name: "Khun Malee" });
    const again = await b.call(async (x) => {
      const ch = await x.auth.challenge({ publicKey: w.publicKey });
      return x.auth.signIn({
        publicKey: w.publicKey,
        message: ch.message,
        signature: w.sign(ch.message),
        name: "Someone else",
      });
    });
    expect(again.user.name).toBe("Khun Malee");
  });
});

describe('auth.signIn with newAccount: "ask"', () => {
  async function ask(
    b: ReturnType<typeof createBrowser>,
    w: ReturnType<typeof createWallet>,
    ch: { message: string },
    extra: { role?: "prosumer" | "consumer"; name?: string } = {},
  ) {
    return b.call((x) =>
      x.auth.signIn({
        publicKey: w.publicKey,
        message: ch.message,
        signature: w.sign(ch.message),
        newAccount: "ask",
        ...extra,
      }),
    );
  }

  it("a new wallet is asked for role and name; nothing is written; the same signature then creates it", async () => {
    const auth = testAuthConfig();
    const b = createBrowser(tdb, auth);
    const w = createWallet();
    const ch = await b.call((x) => x.auth.challenge({ publicKey: w.publicKey }));
    const before = await tableCounts();
    await expectAppError(ask(b, w, ch), "AUTH_SIGN_UP_REQUIRED");
    await expectAppError(ask(b, w, ch, { role: "prosumer" }), "AUTH_SIGN_UP_REQUIRED");
    await expectAppError(ask(b, w, ch, { name: "Malee" }), "AUTH_SIGN_UP_REQUIRED");
    expect(await tableCounts()).toEqual(before);
    expect(b.cookie).toBeUndefined();
    expect((await getNonce(tdb.db, { nonce: ch.nonce }))?.consumedAt).toBeNull();

    const res = await ask(b, w, ch, { role: "prosumer", name: "Malee" });
    expect(res.user).toEqual({ wallet: w.publicKey, role: "prosumer", name: "Malee" });
    expect(await b.call((x) => x.auth.me())).toEqual(res.user);
  });

  it("an existing account signs in without being asked anything, keeping its role and name", async () => {
    const auth = testAuthConfig();
    const w = createWallet();
    await signInWith(createBrowser(tdb, auth), w, "prosumer");
    const b = createBrowser(tdb, auth);
    const ch = await b.call((x) => x.auth.challenge({ publicKey: w.publicKey }));
    const res = await ask(b, w, ch);
    expect(res.user).toEqual({ wallet: w.publicKey, role: "prosumer", name: null });
  });

  it("a new admin wallet is asked only for a name, and becomes admin whatever role is sent", async () => {
    const w = createWallet();
    const auth = testAuthConfig({ adminWallets: new Set([w.publicKey]) });
    const b = createBrowser(tdb, auth);
    const ch = await b.call((x) => x.auth.challenge({ publicKey: w.publicKey }));
    await expectAppError(ask(b, w, ch), "AUTH_SIGN_UP_NAME_REQUIRED");
    await expectAppError(ask(b, w, ch, { role: "consumer" }), "AUTH_SIGN_UP_NAME_REQUIRED");
    const res = await ask(b, w, ch, { name: "Operator" });
    expect(res.user).toEqual({ wallet: w.publicKey, role: "admin", name: "Operator" });
  });

  it("validates the name with the profile's rules (required here, at most 80 characters)", async () => {
    const auth = testAuthConfig();
    const b = createBrowser(tdb, auth);
    const w = createWallet();
    const ch = await b.call((x) => x.auth.challenge({ publicKey: w.publicKey }));
    const before = await tableCounts();
    const blank = await expectAppError(ask(b, w, ch, { role: "consumer", name: "   " }), "VALIDATION_FAILED");
    expect(parseAppError(blank).fieldErrors?.name).toEqual(["enter a display name"]);
    const long = await expectAppError(
      ask(b, w, ch, { role: "consumer", name: "x".repeat(81) }),
      "VALIDATION_FAILED",
    );
    expect(parseAppError(long).fieldErrors?.name).toEqual(["at most 80 characters"]);
    expect(await tableCounts()).toEqual(before);
    const ok = await ask(b, w, ch, { role: "consumer", name: "x".repeat(80) });
    expect(ok.user.name).toHaveLength(80);
  });

  it("a suspended account is still refused (ACCOUNT_SUSPENDED), not asked to sign up", async () => {
    const auth = testAuthConfig();
    const w = createWallet();
    await signInWith(createBrowser(tdb, auth), w, "consumer");
    const [user] = await tdb.db.select().from(users).where(eq(users.walletAddress, w.publicKey));
    await setUserStatus(tdb.db, { userId: user!.id, status: "suspended", at: new Date() });
    const b = createBrowser(tdb, auth);
    const ch = await b.call((x) => x.auth.challenge({ publicKey: w.publicKey }));
    await expectAppError(ask(b, w, ch), "ACCOUNT_SUSPENDED");
  });
});

describe("auth.signIn across clusters", () => {
  it("accepts signatures from a cluster whose genesis hash is fetched over RPC", async () => {
    // The source is injectable; here a real HTTP JSON-RPC endpoint answers getGenesisHash.
    const hash = randomBase58(32);
    const http = await import("node:http");
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        const { id } = JSON.parse(body) as { id: number };
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ jsonrpc: "2.0", id, result: hash }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      const auth = testAuthConfig({ getGenesisHash: rpcGenesisHash(`http://127.0.0.1:${port}`) });
      const b = createBrowser(tdb, auth);
      const w = createWallet();
      const c = await b.call((x) => x.auth.challenge({ publicKey: w.publicKey }));
      expect(c.message).toContain(`Genesis Hash: ${hash}`);
      const res = await b.call((x) =>
        x.auth.signIn({ publicKey: w.publicKey, message: c.message, signature: w.sign(c.message) }),
      );
      expect(res.user.wallet).toBe(w.publicKey);
    } finally {
      server.close();
    }
  });
});

describe("auth.signIn rejections leave nothing behind", () => {
  /**
   * Gets a challenge for `w`, lets `attack` build the signIn input, expects `code`, then checks
   * that no user/session/audit row appeared and whether the nonce is still unconsumed.
   */
  async function rejected(
    code: AppErrorCode,
    attack: (ch: { message: string; nonce: string }, w: ReturnType<typeof createWallet>) => {
      publicKey: string;
      message: string;
      signature: string;
    },
    opts: { clock?: TestClock; nonceStaysUsable?: boolean } = {},
  ) {
    const clock = opts.clock ?? new TestClock();
    const auth = testAuthConfig({ now: clock.now });
    const b = createBrowser(tdb, auth);
    const w = createWallet();
    const ch = await b.call((x) => x.auth.challenge({ publicKey: w.publicKey }));
    const before = await tableCounts();
    const input = attack(ch, w);
    await expectAppError(
      b.call((x) => x.auth.signIn(input)),
      code,
    );
    expect(await tableCounts()).toEqual(before);
    expect(b.cookie).toBeUndefined();
    expect(b.lastResHeaders.get("set-cookie")).toBeNull();
    const nonce = await getNonce(tdb.db, { nonce: ch.nonce });
    expect(nonce?.consumedAt).toBeNull();
    if (opts.nonceStaysUsable !== false) {
      // The legitimate signature still works afterwards: the failure burned nothing.
      const ok = await b.call((x) =>
        x.auth.signIn({ publicKey: w.publicKey, message: ch.message, signature: w.sign(ch.message) }),
      );
      expect(ok.user.wallet).toBe(w.publicKey);
    }
  }

  it("wrong signature (random bytes) → AUTH_BAD_SIGNATURE", () =>
    rejected("AUTH_BAD_SIGNATURE", (ch, w) => ({
      publicKey: w.publicKey,
      message: ch.message,
      signature: randomBase58(64),
    })));

  it("signature by another key → AUTH_BAD_SIGNATURE", () =>
    rejected("AUTH_BAD_SIGNATURE", (ch, w) => ({
      publicKey: w.publicKey,
      message: ch.message,
      signature: createWallet().sign(ch.message),
    })));

  it("tampered message text (signed original, sent altered) → AUTH_BAD_SIGNATURE", () =>
    rejected("AUTH_BAD_SIGNATURE", (ch, w) => {
      const altered = variant(ch.message, {
        expirationTime: new Date(Date.now() + 3_600_000),
      });
      return { publicKey: w.publicKey, message: altered, signature: w.sign(ch.message) };
    }));

  it("message for another domain → AUTH_WRONG_DOMAIN", () =>
    rejected("AUTH_WRONG_DOMAIN", (ch, w) => {
      const m = variant(ch.message, { domain: "evil.example", uri: "https://evil.example" });
      return { publicKey: w.publicKey, message: m, signature: w.sign(m) };
    }));

  it("message for another cluster's genesis hash → AUTH_WRONG_CLUSTER", () =>
    rejected("AUTH_WRONG_CLUSTER", (ch, w) => {
      const m = variant(ch.message, { genesisHash: randomBase58(32) });
      return { publicKey: w.publicKey, message: m, signature: w.sign(m) };
    }));

  it("message for another chain id → AUTH_WRONG_CLUSTER", () =>
    rejected("AUTH_WRONG_CLUSTER", (ch, w) => {
      const m = variant(ch.message, { chainId: "mainnet-beta" });
      return { publicKey: w.publicKey, message: m, signature: w.sign(m) };
    }));

  it("message naming another account than publicKey → AUTH_ADDRESS_MISMATCH", () =>
    rejected("AUTH_ADDRESS_MISMATCH", (ch) => {
      const other = createWallet();
      return { publicKey: other.publicKey, message: ch.message, signature: other.sign(ch.message) };
    }));

  it("message not in the exact format (CRLF) → AUTH_MESSAGE_MALFORMED", () =>
    rejected("AUTH_MESSAGE_MALFORMED", (ch, w) => {
      const m = ch.message.replaceAll("\n", "\r\n");
      return { publicKey: w.publicKey, message: m, signature: w.sign(m) };
    }));

  it("another statement → AUTH_MESSAGE_MALFORMED", () =>
    rejected("AUTH_MESSAGE_MALFORMED", (ch, w) => {
      const m = variant(ch.message, { statement: "Transfer all my tokens." });
      return { publicKey: w.publicKey, message: m, signature: w.sign(m) };
    }));

  it("issued in the future beyond the skew → AUTH_MESSAGE_NOT_YET_VALID", () =>
    rejected("AUTH_MESSAGE_NOT_YET_VALID", (ch, w) => {
      const m = variant(ch.message, {
        issuedAt: new Date(Date.now() + 10 * 60_000),
        expirationTime: new Date(Date.now() + 20 * 60_000),
      });
      return { publicKey: w.publicKey, message: m, signature: w.sign(m) };
    }));

  it("expired message (signed copy with a past expiry) → AUTH_MESSAGE_EXPIRED", () =>
    rejected("AUTH_MESSAGE_EXPIRED", (ch, w) => {
      const m = variant(ch.message, {
        issuedAt: new Date(Date.now() - 20 * 60_000),
        expirationTime: new Date(Date.now() - 10 * 60_000),
      });
      return { publicKey: w.publicKey, message: m, signature: w.sign(m) };
    }));

  it("the real message after its expiry → AUTH_MESSAGE_EXPIRED", async () => {
    const clock = new TestClock();
    await rejected(
      "AUTH_MESSAGE_EXPIRED",
      (ch, w) => {
        clock.advance(5 * 60_000 + 1);
        return { publicKey: w.publicKey, message: ch.message, signature: w.sign(ch.message) };
      },
      { clock, nonceStaysUsable: false },
    );
  });

  it("a nonce the server never issued → AUTH_NONCE_UNKNOWN", () =>
    rejected("AUTH_NONCE_UNKNOWN", (ch, w) => {
      const m = variant(ch.message, { nonce: randomBase58(16) });
      return { publicKey: w.publicKey, message: m, signature: w.sign(m) };
    }));

  it("a nonce issued to another wallet → AUTH_NONCE_UNKNOWN", async () => {
    const auth = testAuthConfig();
    const b = createBrowser(tdb, auth);
    const victim = createWallet();
    const attacker = createWallet();
    const ch = await b.call((x) => x.auth.challenge({ publicKey: victim.publicKey }));
    const m = variant(ch.message, { address: attacker.publicKey });
    const before = await tableCounts();
    await expectAppError(
      b.call((x) =>
        x.auth.signIn({ publicKey: attacker.publicKey, message: m, signature: attacker.sign(m) }),
      ),
      "AUTH_NONCE_UNKNOWN",
    );
    expect(await tableCounts()).toEqual(before);
    expect((await getNonce(tdb.db, { nonce: ch.nonce }))?.consumedAt).toBeNull();
  });

  it("malformed publicKey / signature / message → VALIDATION_FAILED", async () => {
    const b = createBrowser(tdb, testAuthConfig());
    const w = createWallet();
    const ch = await b.call((x) => x.auth.challenge({ publicKey: w.publicKey }));
    const good = { publicKey: w.publicKey, message: ch.message, signature: w.sign(ch.message) };
    const before = await tableCounts();
    for (const bad of [
      { ...good, publicKey: "0OIl" },
      { ...good, publicKey: randomBase58(31) },
      { ...good, signature: "xyz" },
      { ...good, signature: randomBase58(63) },
      { ...good, message: "" },
      { ...good, role: "admin" as "consumer" },
    ]) {
      await expectAppError(b.call((x) => x.auth.signIn(bad)), "VALIDATION_FAILED");
    }
    expect(await tableCounts()).toEqual(before);
    expect((await getNonce(tdb.db, { nonce: ch.nonce }))?.consumedAt).toBeNull();
  });

  it("a suspended account → ACCOUNT_SUSPENDED, no session, nonce not consumed", async () => {
    const auth = testAuthConfig();
    const w = createWallet();
    await signInWith(createBrowser(tdb, auth), w);
    const [user] = await tdb.db.select().from(users).where(eq(users.walletAddress, w.publicKey));
    await setUserStatus(tdb.db, { userId: user!.id, status: "suspended", at: new Date() });

    const b = createBrowser(tdb, auth);
    const ch = await b.call((x) => x.auth.challenge({ publicKey: w.publicKey }));
    const before = await tableCounts();
    await expectAppError(
      b.call((x) =>
        x.auth.signIn({ publicKey: w.publicKey, message: ch.message, signature: w.sign(ch.message) }),
      ),
      "ACCOUNT_SUSPENDED",
    );
    expect(await tableCounts()).toEqual(before);
    expect((await getNonce(tdb.db, { nonce: ch.nonce }))?.consumedAt).toBeNull();
  });
});

describe("nonces are single-use", () => {
  it("a reused nonce → AUTH_NONCE_USED and no second session", async () => {
    const auth = testAuthConfig();
    const b = createBrowser(tdb, auth);
    const w = createWallet();
    const ch = await b.call((x) => x.auth.challenge({ publicKey: w.publicKey }));
    const input = { publicKey: w.publicKey, message: ch.message, signature: w.sign(ch.message) };
    await b.call((x) => x.auth.signIn(input));
    const before = await tableCounts();
    const replay = createBrowser(tdb, auth);
    await expectAppError(
      replay.call((x) => x.auth.signIn(input)),
      "AUTH_NONCE_USED",
    );
    expect(await tableCounts()).toEqual(before);
    expect(replay.cookie).toBeUndefined();
  });

  it("two concurrent sign-ins with one nonce → exactly one succeeds", async () => {
    const auth = testAuthConfig();
    const w = createWallet();
    const b0 = createBrowser(tdb, auth);
    const ch = await b0.call((x) => x.auth.challenge({ publicKey: w.publicKey }));
    const input = { publicKey: w.publicKey, message: ch.message, signature: w.sign(ch.message) };
    const before = await tableCounts();
    const browsers = Array.from({ length: 4 }, () => createBrowser(tdb, auth));
    const results = await Promise.allSettled(
      browsers.map((b) => b.call((x) => x.auth.signIn(input))),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r) => r.status === "rejected");
    expect(ok).toHaveLength(1);
    for (const f of failed) expect(parseAppError(f.reason).code).toBe("AUTH_NONCE_USED");
    const after = await tableCounts();
    expect(after.users - before.users).toBe(1);
    expect(after.sessions - before.sessions).toBe(1);
    expect(after.audit - before.audit).toBe(1);
  });
});

describe("sessions end when they should", () => {
  it("sign-out revokes the session: the old cookie no longer works", async () => {
    const auth = testAuthConfig();
    const b = createBrowser(tdb, auth);
    const w = createWallet();
    await signInWith(b, w);
    const oldCookie = b.cookie;
    expect(oldCookie).toBeTruthy();

    await expect(b.call((x) => x.auth.signOut())).resolves.toEqual({ ok: true });
    expect(b.lastResHeaders.get("set-cookie")).toMatch(/^gtx_session=; .*Max-Age=0/);
    expect(b.cookie).toBeUndefined();

    // A copy of the old cookie (a stolen one, or another tab) is dead too.
    const replay = createBrowser(tdb, auth);
    replay.cookie = oldCookie;
    expect(await replay.call((x) => x.auth.me())).toBeNull();
    const [user] = await tdb.db.select().from(users).where(eq(users.walletAddress, w.publicKey));
    const [s] = await tdb.db.select().from(sessions).where(eq(sessions.userId, user!.id));
    expect(s?.revokedAt).toBeInstanceOf(Date);
    const audit = await tdb.db.select().from(auditLog).where(eq(auditLog.actorId, user!.id));
    expect(audit.map((a) => a.action).sort()).toEqual(["auth.sign_in", "auth.sign_out"]);
  });

  it("signing out without a session is harmless", async () => {
    const b = createBrowser(tdb, testAuthConfig());
    await expect(b.call((x) => x.auth.signOut())).resolves.toEqual({ ok: true });
  });

  it("a role change ends existing sessions", async () => {
    const auth = testAuthConfig();
    const b = createBrowser(tdb, auth);
    const w = createWallet();
    await signInWith(b, w, "prosumer");
    const [user] = await tdb.db.select().from(users).where(eq(users.walletAddress, w.publicKey));
    await setUserRole(tdb.db, { userId: user!.id, role: "consumer", at: new Date() });
    expect(await b.call((x) => x.auth.me())).toBeNull();
    expect((await signInWith(b, w)).user.role).toBe("consumer");
  });

  it("a session stops working after its TTL", async () => {
    const clock = new TestClock();
    const auth = testAuthConfig({ now: clock.now, sessionTtlSeconds: 120 });
    const b = createBrowser(tdb, auth);
    await signInWith(b, createWallet());
    expect(await b.call((x) => x.auth.me())).not.toBeNull();
    clock.advance(121_000);
    expect(await b.call((x) => x.auth.me())).toBeNull();
  });

  it("a token signed with another secret, or naming another session, is ignored", async () => {
    const auth = testAuthConfig();
    const b = createBrowser(tdb, auth);
    const w = createWallet();
    await signInWith(b, w);
    const [user] = await tdb.db.select().from(users).where(eq(users.walletAddress, w.publicKey));
    const [s] = await tdb.db.select().from(sessions).where(eq(sessions.userId, user!.id));
    const forged = createBrowser(tdb, auth);
    forged.cookie = await signSessionToken(testAuthConfig(), {
      sessionId: s!.id,
      wallet: w.publicKey,
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect(await forged.call((x) => x.auth.me())).toBeNull();
    forged.cookie = await signSessionToken(auth, {
      sessionId: crypto.randomUUID(),
      wallet: w.publicKey,
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect(await forged.call((x) => x.auth.me())).toBeNull();
    forged.cookie = "garbage";
    expect(await forged.call((x) => x.auth.me())).toBeNull();
  });
});

describe("signedInProcedure and adminProcedure", () => {
  const probeRouter = createTRPCRouter({
    mine: signedInProcedure.query(({ ctx }) => ctx.session.wallet),
    adminOnly: adminProcedure.query(({ ctx }) => ctx.session.role),
  });
  const createProbe = createCallerFactory(probeRouter);

  async function probe(auth: ReturnType<typeof testAuthConfig>, cookie?: string) {
    const headers = new Headers();
    if (cookie) headers.set("cookie", `gtx_session=${cookie}`);
    return createProbe(await createTRPCContext({ headers, database: tdb, auth }));
  }

  it("without a session: UNAUTHENTICATED for both", async () => {
    const p = await probe(testAuthConfig());
    await expectAppError(p.mine(), "UNAUTHENTICATED");
    await expectAppError(p.adminOnly(), "UNAUTHENTICATED");
  });

  it("signed in as consumer/prosumer: allowed in, FORBIDDEN from admin", async () => {
    const auth = testAuthConfig();
    for (const role of ["consumer", "prosumer"] as const) {
      const b = createBrowser(tdb, auth);
      const w = createWallet();
      await signInWith(b, w, role);
      const p = await probe(auth, b.cookie);
      expect(await p.mine()).toBe(w.publicKey);
      const err = await expectAppError(p.adminOnly(), "FORBIDDEN");
      expect(parseAppError(err).httpStatus).toBe(403);
    }
  });

  it("signed in as admin: both allowed", async () => {
    const w = createWallet();
    const auth = testAuthConfig({ adminWallets: new Set([w.publicKey]) });
    const b = createBrowser(tdb, auth);
    await signInWith(b, w);
    const p = await probe(auth, b.cookie);
    expect(await p.mine()).toBe(w.publicKey);
    expect(await p.adminOnly()).toBe("admin");
  });
});
