/**
 * bridgeAdmin.* on a real local chain and database: pause, unpause and set_limits sent with the
 * operator key (the Bridge's admin) only after the admin check, mirrored at once, audited;
 * refusals (not an admin, already paused, limits that break the program's rules) change nothing.
 */
import { Keypair } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "~/db/queries/audit";
import { getBridgeConfig } from "~/db/queries/bridge";
import { bridgeAddress } from "~/programs/thb_bridge/client";
import { startChainEnv, type ChainEnv } from "~/server/poller/test-support";
import { DEFAULT_BRIDGE_LIMITS } from "~/server/solana/bootstrap";
import { chainAuthConfig, signedInBrowser } from "./router-chain-testing";

const THB = 1_000_000n;
let env: ChainEnv;
const admin = Keypair.generate();
let auth: ReturnType<typeof chainAuthConfig>;

beforeAll(async () => {
  env = await startChainEnv();
  auth = chainAuthConfig([admin]);
}, 90_000);

afterAll(async () => {
  await env?.close();
});

const onChain = () => env.chain.programs.thbBridge.account.bridge.fetch(bridgeAddress(), "confirmed");

describe("bridgeAdmin router", () => {
  it("pause and unpause: on chain with the operator key, mirrored and audited; twice in a row is a CONFLICT", async () => {
    const a = await signedInBrowser(env, auth, admin);
    const paused = await a.call((c) => c.bridgeAdmin.pause());
    expect(paused.paused).toBe(true);
    expect((await onChain()).paused).toBe(true);
    expect(await getBridgeConfig(env.tdb.db, { bridge: bridgeAddress().toBase58() })).toMatchObject({ paused: true });
    await expect(a.call((c) => c.bridgeAdmin.pause())).rejects.toMatchObject({
      appCode: "CONFLICT",
      message: "The bridge is already paused",
    });
    await a.call((c) => c.bridgeAdmin.unpause());
    expect((await onChain()).paused).toBe(false);
    expect(await getBridgeConfig(env.tdb.db, { bridge: bridgeAddress().toBase58() })).toMatchObject({ paused: false });

    const audit = await listAudit(env.tdb.db, { limit: 10 });
    expect(audit.filter((r) => r.action.startsWith("bridge.")).map((r) => [r.action, r.actor])).toEqual([
      ["bridge.unpause", admin.publicKey.toBase58()],
      ["bridge.pause", admin.publicKey.toBase58()],
    ]);
  });

  it("setLimits: the chain's limits change; a per-deposit limit above the daily one, zero or a short timeout is refused, nothing sent", async () => {
    const a = await signedInBrowser(env, auth, admin);
    await a.call((c) => c.bridgeAdmin.setLimits({ maxPerDeposit: 5_000n * THB, maxPerDay: 20_000n * THB, withdrawalTimeoutSecs: 3_600 }));
    const limits = (await onChain()).limits;
    expect([limits.maxPerDeposit.toString(), limits.maxPerDay.toString(), limits.withdrawalTimeoutSecs.toString()]).toEqual([
      String(5_000n * THB),
      String(20_000n * THB),
      "3600",
    ]);
    for (const bad of [
      { maxPerDeposit: 30_000n * THB, maxPerDay: 20_000n * THB, withdrawalTimeoutSecs: 3_600 },
      { maxPerDeposit: 0n, maxPerDay: 20_000n * THB, withdrawalTimeoutSecs: 3_600 },
      { maxPerDeposit: THB, maxPerDay: 20_000n * THB, withdrawalTimeoutSecs: 10 },
    ]) {
      await expect(a.call((c) => c.bridgeAdmin.setLimits(bad))).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    expect((await onChain()).limits.maxPerDeposit.toString()).toBe(String(5_000n * THB));
    await a.call((c) =>
      c.bridgeAdmin.setLimits({
        maxPerDeposit: DEFAULT_BRIDGE_LIMITS.maxPerDeposit,
        maxPerDay: DEFAULT_BRIDGE_LIMITS.maxPerDay,
        withdrawalTimeoutSecs: Number(DEFAULT_BRIDGE_LIMITS.withdrawalTimeoutSecs),
      }),
    );
  });

  it("a signed-in user who is not an admin is FORBIDDEN and the chain keeps its settings", async () => {
    const u = await signedInBrowser(env, auth, Keypair.generate());
    await expect(u.call((c) => c.bridgeAdmin.pause())).rejects.toMatchObject({ appCode: "FORBIDDEN" });
    await expect(
      u.call((c) => c.bridgeAdmin.setLimits({ maxPerDeposit: THB, maxPerDay: THB, withdrawalTimeoutSecs: 600 })),
    ).rejects.toMatchObject({ appCode: "FORBIDDEN" });
    expect((await onChain()).paused).toBe(false);
  });
});
