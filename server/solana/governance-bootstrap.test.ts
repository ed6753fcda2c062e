/**
 * Governance's bootstrap step on a real local chain: initialised once, after Trading, with the
 * operator as its authority (the ERC issuer) and the default voting config; the market's params
 * authority stays with the operator (not handed to Governance); a second run does nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { governanceAddress } from "~/programs/governance/client";
import { marketAddress } from "~/programs/trading/client";
import { startChainEnv, type ChainEnv } from "~/server/poller/test-support";
import { DEFAULT_GOVERNANCE_CONFIG, bootstrapChain } from "./bootstrap";

let env: ChainEnv;

beforeAll(async () => {
  env = await startChainEnv();
}, 90_000);

afterAll(async () => {
  await env?.close();
});

describe("bootstrap: governance", () => {
  it("initialised Governance: operator as authority, nothing pending, no proposals, default config (1–30 days, 10 %)", async () => {
    const operator = env.chain.operator.publicKey;
    const g = await env.chain.programs.governance.account.governance.fetch(governanceAddress(), "confirmed");
    expect(g.authority.toBase58()).toBe(operator.toBase58());
    expect(g.pendingAuthority.toBase58()).toBe("11111111111111111111111111111111");
    expect(BigInt(g.proposalCount.toString())).toBe(0n);
    expect(g.config).toEqual(DEFAULT_GOVERNANCE_CONFIG);
    expect(DEFAULT_GOVERNANCE_CONFIG).toEqual({ minVotingSecs: 86_400, maxVotingSecs: 2_592_000, quorumBps: 1_000 });
  });

  it("left the market's params authority with the operator (no hand-over to Governance)", async () => {
    const m = await env.chain.programs.trading.account.market.fetch(marketAddress(), "confirmed");
    expect(m.paramsAuthority.toBase58()).toBe(env.chain.operator.publicKey.toBase58());
    expect(m.pendingParamsAuthority.toBase58()).toBe("11111111111111111111111111111111");
  });

  it("a second run does nothing", async () => {
    const before = await env.chain.connection.getAccountInfo(governanceAddress(), "confirmed");
    const again = await bootstrapChain(env.chain, undefined, { bridgeAttestorKeypairPath: env.attestorKeypairPath });
    expect(again.done).toEqual([]);
    expect(again.warnings).toEqual([]);
    const after = await env.chain.connection.getAccountInfo(governanceAddress(), "confirmed");
    expect(Buffer.from(after!.data)).toEqual(Buffer.from(before!.data));
  });
});
