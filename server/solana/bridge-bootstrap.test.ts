/**
 * The THB bridge's bootstrap step on a real local chain: initialised once with the operator as
 * admin and a separate attestor key (1 of 1), the default limits and the genesis hash as cluster
 * tag, creating the THBC mint; a second run does nothing, and a run with an attestor key that is
 * not the bridge's says so instead of initialising anything.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import bs58 from "bs58";
import { getMint } from "@solana/spl-token";
import { PublicKey } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readKeypairFile } from "~/lib/solana/keypair-file";
import { bridgeAddress, thbcMintAddress } from "~/programs/thb_bridge/client";
import { startChainEnv, type ChainEnv } from "~/server/poller/test-support";
import { DEFAULT_BRIDGE_LIMITS, bootstrapChain } from "./bootstrap";

let env: ChainEnv;
let dir: string;

beforeAll(async () => {
  env = await startChainEnv();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "gtx-bridge-boot-"));
}, 90_000);

afterAll(async () => {
  await env?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("bootstrap: thb_bridge", () => {
  it("initialised the bridge: operator admin, its own attestor 1 of 1, default limits, genesis-hash cluster tag, THBC mint", async () => {
    const attestor = readKeypairFile(env.attestorKeypairPath, "bridge attestor");
    const operator = env.chain.operator.publicKey;
    expect(attestor.publicKey.equals(operator)).toBe(false);
    expect(fs.statSync(env.attestorKeypairPath).mode & 0o777).toBe(0o600);

    const bridge = await env.chain.programs.thbBridge.account.bridge.fetch(bridgeAddress(), "confirmed");
    expect(bridge.admin.toBase58()).toBe(operator.toBase58());
    expect(bridge.attestorCount).toBe(1);
    expect(bridge.threshold).toBe(1);
    expect(bridge.attestors[0]!.toBase58()).toBe(attestor.publicKey.toBase58());
    expect(bridge.attestors.slice(1).every((k) => k.equals(PublicKey.default))).toBe(true);
    expect(bridge.paused).toBe(false);
    expect(BigInt(bridge.limits.maxPerDeposit.toString())).toBe(DEFAULT_BRIDGE_LIMITS.maxPerDeposit);
    expect(BigInt(bridge.limits.maxPerDay.toString())).toBe(DEFAULT_BRIDGE_LIMITS.maxPerDay);
    expect(BigInt(bridge.limits.withdrawalTimeoutSecs.toString())).toBe(DEFAULT_BRIDGE_LIMITS.withdrawalTimeoutSecs);
    expect(bs58.encode(Uint8Array.from(bridge.clusterTag))).toBe(await env.chain.connection.getGenesisHash());
    expect(bridge.thbcMint.toBase58()).toBe(thbcMintAddress().toBase58());

    const mint = await getMint(env.chain.connection, thbcMintAddress(), "confirmed");
    expect(mint.decimals).toBe(6);
    expect(mint.mintAuthority?.toBase58()).toBe(bridgeAddress().toBase58());
    expect(mint.freezeAuthority).toBeNull();
    expect(mint.supply).toBe(0n);
  });

  it("a second run does nothing and reports the THBC mint", async () => {
    const before = await env.chain.connection.getAccountInfo(bridgeAddress(), "confirmed");
    const again = await bootstrapChain(env.chain, undefined, { bridgeAttestorKeypairPath: env.attestorKeypairPath });
    expect(again.done).toEqual([]);
    expect(again.warnings).toEqual([]);
    expect(again.thbcMint).toBe(thbcMintAddress().toBase58());
    const after = await env.chain.connection.getAccountInfo(bridgeAddress(), "confirmed");
    expect(Buffer.from(after!.data)).toEqual(Buffer.from(before!.data));
  });

  it("with an attestor key that is not the bridge's it warns and changes nothing; a missing one is not created then", async () => {
    const other = path.join(dir, "other-attestor.json");
    const before = await env.chain.connection.getAccountInfo(bridgeAddress(), "confirmed");
    const missing = await bootstrapChain(env.chain, undefined, { bridgeAttestorKeypairPath: other });
    expect(missing.done).toEqual([]);
    expect(missing.warnings).toEqual([expect.stringMatching(/cannot check the THB bridge's attestors: .*does not exist/)]);
    expect(fs.existsSync(other)).toBe(false);

    fs.copyFileSync(env.keypairPath, other); // e.g. pointed at the operator's key by mistake
    const wrong = await bootstrapChain(env.chain, undefined, { bridgeAttestorKeypairPath: other });
    expect(wrong.done).toEqual([]);
    expect(wrong.warnings).toEqual([expect.stringMatching(/is not one of the THB bridge's attestors/)]);
    const after = await env.chain.connection.getAccountInfo(bridgeAddress(), "confirmed");
    expect(Buffer.from(after!.data)).toEqual(Buffer.from(before!.data));
  });
});
