/**
 * The mint poller against the real local chain (real .so programs) and the real database:
 * readings → GRID exactly; two pollers at once; a poller "crashing" after a send.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { GET as cronGet, POST as cronPost } from "~/app/api/cron/mint/route";
import { meterAddress, registryAddress } from "~/programs/registry/client";
import { bootstrapChain, oracleAddress } from "~/server/solana/bootstrap";
import { createTestDb } from "~/db/testing";
import { handleMintCron } from "./cron-handler";
import { runMintPoller } from "./mint-poller";
import {
  createChainMeter,
  gridBalance,
  netGeneration,
  series,
  startChainEnv,
  storeSigned,
  type ChainEnv,
} from "./test-support";

let env: ChainEnv;

beforeAll(async () => {
  env = await startChainEnv();
}, 60_000);

afterAll(async () => {
  await env?.close();
});

const poll = (extra: Partial<Parameters<typeof runMintPoller>[0]> = {}) =>
  runMintPoller({
    db: env.tdb.db,
    connection: env.chain.connection,
    operator: env.chain.operator,
    programs: env.chain.programs,
    ...extra,
  });

async function states(meterIds: string[]) {
  const r: unknown = await env.tdb.db.execute(
    sql`select state::text as state, minted, count(*)::int as n from meter_readings
        where meter_id in (select jsonb_array_elements_text(${JSON.stringify(meterIds)}::jsonb))
        group by state, minted order by state`,
  );
  return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as {
    state: string;
    minted: boolean;
    n: number;
  }[];
}

async function chainMeter(meterId: string) {
  return env.chain.programs.registry.account.meter.fetch(meterAddress(meterId), "confirmed");
}

describe("bootstrap", () => {
  it("set up the registry (operator authority), GRID mint and oracle price, and a second run does nothing", async () => {
    const again = await bootstrapChain(env.chain, undefined, { bridgeAttestorKeypairPath: env.attestorKeypairPath });
    expect(again.done).toEqual([]);
    expect(again.warnings).toEqual([]);
    const registry = await env.chain.programs.registry.account.registry.fetch(
      registryAddress(),
      "confirmed",
    );
    expect(registry.authority.toBase58()).toBe(env.chain.operator.publicKey.toBase58());
    const oracle = await env.chain.programs.oracle.account.oracle.fetch(
      oracleAddress(),
      "confirmed",
    );
    expect(oracle.retailPrice.toString()).toBe("4200000");
    expect(oracle.feedInPrice.toString()).toBe("2200000");
  });
});

describe("mint poller", () => {
  it("mints exactly max(0, production − consumption) per meter, in timestamp order, and marks every reading", async () => {
    const surplus = await createChainMeter(env);
    const deficit = await createChainMeter(env);
    const a = series(7, (i) => ({ p: 40 + i * 3, c: 10 + i }));
    const b = series(4, (i) => ({ p: 5 + i, c: 60 }));
    await storeSigned(env, surplus, a);
    await storeSigned(env, deficit, b);

    const s = await poll();
    expect(s.errors).toEqual([]);
    expect(s.confirmed).toBe(13); // 7 + 4 readings and each meter's baseline
    expect(s.duplicates).toBe(0);
    expect(s.settlements).toBe(1);
    expect(BigInt(s.mintedWh)).toBe(netGeneration(a));

    expect(await gridBalance(env.chain.connection, surplus.owner)).toBe(netGeneration(a));
    expect(await gridBalance(env.chain.connection, deficit.owner)).toBe(0n);
    const m = await chainMeter(surplus.meterId);
    expect(m.readingCount.toNumber()).toBe(8);
    expect(m.lastReadingAt.toNumber()).toBe(a.at(-1)!.timestamp);
    expect(BigInt(m.settledNetGen.toString())).toBe(netGeneration(a));
    expect(await states([surplus.meterId, deficit.meterId])).toEqual([
      { state: "confirmed", minted: true, n: 13 },
    ]);

    // Nothing left: a second run claims nothing and mints nothing.
    const again = await poll();
    expect(again.claimed).toBe(0);
    expect(await gridBalance(env.chain.connection, surplus.owner)).toBe(netGeneration(a));

    // New readings later mint only the new surplus.
    const more = series(3, () => ({ p: 50, c: 0 }), a.at(-1)!.timestamp + 10);
    await storeSigned(env, surplus, more);
    const s3 = await poll();
    expect(s3.confirmed).toBe(3);
    expect(await gridBalance(env.chain.connection, surplus.owner)).toBe(
      netGeneration([...a, ...more]),
    );
  });

  it("two pollers at once: every reading lands once, GRID exact", async () => {
    const ms = await Promise.all([0, 1, 2, 3].map(() => createChainMeter(env)));
    const data = ms.map((_, k) => series(6, (i) => ({ p: 30 + k + i, c: i })));
    for (let k = 0; k < ms.length; k++) await storeSigned(env, ms[k]!, data[k]!);

    // Each run takes at most 2 meters, so both have work and must not share a meter.
    const [x, y] = await Promise.all([poll({ batchSize: 2 }), poll({ batchSize: 2 })]);
    const z = await poll(); // whatever either left is finished here
    expect([...x.errors, ...y.errors, ...z.errors]).toEqual([]);
    expect(x.meters).toBe(2);
    expect(y.meters).toBe(2);
    expect(x.meterIds.filter((id) => y.meterIds.includes(id))).toEqual([]);
    // Claims are per meter: no reading was sent by both.
    expect(x.confirmed + y.confirmed + z.confirmed).toBe(28); // 4 × (6 + the baseline)
    expect(x.duplicates + y.duplicates + z.duplicates).toBe(0);
    for (let k = 0; k < ms.length; k++) {
      expect(await gridBalance(env.chain.connection, ms[k]!.owner)).toBe(netGeneration(data[k]!));
      expect((await chainMeter(ms[k]!.meterId)).readingCount.toNumber()).toBe(7);
    }
    expect(await states(ms.map((m) => m.meterId))).toEqual([
      { state: "confirmed", minted: true, n: 28 },
    ]);
  });

  it("a poller that dies after sending, before the database update: the rerun loses nothing and mints nothing twice", async () => {
    const m = await createChainMeter(env);
    const data = series(9, (i) => ({ p: 20 + i, c: 5 }));
    await storeSigned(env, m, data);

    let sends = 0;
    // Long enough that the check below runs inside it even on a loaded machine.
    const leaseMs = 2_000;
    const claimedAt = Date.now();
    const crashed = await poll({
      leaseMs,
      hooks: {
        afterSend: () => {
          sends += 1;
          throw new Error("simulated crash after send");
        },
      },
    });
    expect(sends).toBe(1);
    expect(crashed.errors.join()).toMatch(/simulated crash/);
    // The chain has the first transaction's readings; the database still says submitted/pending.
    const landed = (await chainMeter(m.meterId)).readingCount.toNumber();
    expect(landed).toBeGreaterThan(0);
    expect((await states([m.meterId])).some((s) => s.state === "submitted")).toBe(true);

    // The lease holds the meter for the crashed run until it expires.
    expect((await poll()).claimed).toBe(0);
    await new Promise((r) => setTimeout(r, Math.max(0, claimedAt + leaseMs + 100 - Date.now())));

    const rerun = await poll();
    expect(rerun.errors).toEqual([]);
    expect(rerun.duplicates).toBe(landed);
    expect(rerun.confirmed).toBe(10 - landed); // 9 and the baseline
    expect(await gridBalance(env.chain.connection, m.owner)).toBe(netGeneration(data));
    expect((await chainMeter(m.meterId)).readingCount.toNumber()).toBe(10);
    expect(await states([m.meterId])).toEqual([{ state: "confirmed", minted: true, n: 10 }]);
  });

  it("a crash between the readings and their settlement is settled by the next run", async () => {
    const m = await createChainMeter(env);
    const data = series(2, () => ({ p: 70, c: 1 }));
    await storeSigned(env, m, data);
    const crashed = await poll({
      leaseMs: 300,
      hooks: {
        afterSend: ({ settles }) => {
          if (settles) throw new Error("simulated crash after the settling transaction");
        },
      },
    });
    expect(crashed.errors.join()).toMatch(/simulated crash/);
    expect(await gridBalance(env.chain.connection, m.owner)).toBe(netGeneration(data));
    await new Promise((r) => setTimeout(r, 400));
    const rerun = await poll();
    expect(rerun.errors).toEqual([]);
    expect(rerun.settlements).toBe(0); // already minted: the tracker says so, nothing is sent again
    expect(await gridBalance(env.chain.connection, m.owner)).toBe(netGeneration(data));
    expect(await states([m.meterId])).toEqual([{ state: "confirmed", minted: true, n: 3 }]);
  });

  it("kill -9 of a poller process mid-batch (after the send, before the database update): no loss, no double mint", async () => {
    const url = env.tdb.url;
    if (!url)
      throw new Error(
        "this test needs PostgreSQL (TEST_POSTGRES_URL): a child process cannot share in-memory PGlite",
      );
    const m = await createChainMeter(env);
    const data = series(8, (i) => ({ p: 25 + 2 * i, c: 3 }));
    await storeSigned(env, m, data);

    const child = spawn(
      "npx",
      [
        "tsx",
        path.join(import.meta.dirname, "crash-child.ts"),
        url,
        env.net.rpcUrl,
        env.net.wsUrl,
        env.keypairPath,
      ],
      {
        cwd: path.resolve(import.meta.dirname, "../.."),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      child.on("exit", (code, signal) => r({ code, signal })),
    );
    expect(out).toContain("sent");
    expect(out).not.toContain("finished");
    // npx/tsx relay the SIGKILL of the node process as exit code 137 (128 + 9) or as the signal.
    expect(exit.signal === "SIGKILL" || exit.code === 137).toBe(true);
    const landed = (await chainMeter(m.meterId)).readingCount.toNumber();
    expect(landed).toBeGreaterThan(0);

    await new Promise((r) => setTimeout(r, 600)); // the dead process's lease
    const rerun = await poll();
    expect(rerun.errors).toEqual([]);
    expect(rerun.duplicates + rerun.confirmed).toBe(9); // 8 and the baseline
    expect(rerun.duplicates).toBe(landed);
    expect(await gridBalance(env.chain.connection, m.owner)).toBe(netGeneration(data));
    expect((await chainMeter(m.meterId)).readingCount.toNumber()).toBe(9);
    expect(await states([m.meterId])).toEqual([{ state: "confirmed", minted: true, n: 9 }]);
  }, 60_000);
});

describe("mint poller on PGlite (the dev default database)", () => {
  it("claims, submits and settles with the same SQL", async () => {
    const lite = await createTestDb({ driver: "pglite" });
    try {
      const liteEnv: ChainEnv = { ...env, tdb: lite };
      const m = await createChainMeter(liteEnv);
      const data = series(5, (i) => ({ p: 30 + i, c: 2 }));
      await storeSigned(liteEnv, m, data);
      const s = await runMintPoller({
        db: lite.db,
        connection: env.chain.connection,
        operator: env.chain.operator,
        programs: env.chain.programs,
      });
      expect(s.errors).toEqual([]);
      expect(s.confirmed).toBe(6); // 5 and the baseline
      expect(await gridBalance(env.chain.connection, m.owner)).toBe(netGeneration(data));
      expect(
        (
          await runMintPoller({
            db: lite.db,
            connection: env.chain.connection,
            operator: env.chain.operator,
          })
        ).claimed,
      ).toBe(0);
    } finally {
      await lite.close();
    }
  });
});

describe("/api/cron/mint", () => {
  it("answers 401 without the bearer secret or with a wrong one (route module)", async () => {
    const url = "http://localhost/api/cron/mint";
    expect((await cronPost(new Request(url, { method: "POST" }))).status).toBe(401);
    expect(
      (
        await cronGet(
          new Request(url, { headers: { authorization: "Bearer wrong-secret-wrong-secret" } }),
        )
      ).status,
    ).toBe(401);
    expect(
      (
        await cronGet(
          new Request(url, { headers: { authorization: "gridtokenx-local-cron-secret" } }),
        )
      ).status,
    ).toBe(401);
  });

  it("with the secret, runs a pass and answers its summary", async () => {
    const m = await createChainMeter(env);
    await storeSigned(
      env,
      m,
      series(2, () => ({ p: 10, c: 1 })),
    );
    const secret = "test-cron-secret-0123456789";
    const res = await handleMintCron(
      new Request("http://localhost/api/cron/mint", {
        headers: { authorization: `Bearer ${secret}` },
      }),
      {
        secret,
        run: () => poll(),
      },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      ok: boolean;
      summary: { confirmed: number; mintedWh: string };
    };
    expect(body.ok).toBe(true);
    expect(body.summary.confirmed).toBe(3); // 2 and the baseline
    expect(body.summary.mintedWh).toBe("18");
  });
});
