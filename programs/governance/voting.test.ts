/**
 * Governance voting on LiteSVM with the real governance.so, registry.so, energy_token.so,
 * oracle.so and trading.so: create_proposal, cast_vote, finalize_proposal (a passed parameter
 * proposal executes through Trading's set_market_params, signed by the Governance PDA) and
 * accept_market_authority. Every refusal with its named error and nothing changed; CU pinned.
 *
 * The voters: three prosumers whose meters verified 6,000 / 3,000 / 1,000 Wh (Registry
 * total_production 10,000 Wh), so the fixture's quorum of 10 % is 1,000 Wh of weight.
 */
import type { Idl, Program } from "@coral-xyz/anchor";
import { Keypair, PublicKey, type TransactionInstruction } from "@solana/web3.js";
import { beforeEach, describe, expect, it } from "vitest";
import {
  expectAnchorError,
  expectCu,
  expectOk,
  expectUnchanged,
  toBigInt,
  type TxResult,
} from "~/programs/harness";
import { plain } from "../oracle/fixture";
import { CONSUMER, METER_SUSPENDED, USER_SUSPENDED, type TestMeter } from "../registry/fixture";
import { userAddress } from "../registry/client";
import { CONFIG as MARKET_CONFIG, TradingFixture } from "../trading/fixture";
import { tradingIdl } from "../trading/idl/trading";
import {
  acceptMarketAuthorityInstruction,
  castVoteInstruction,
  createProposalInstruction,
  finalizeProposalInstruction,
  governanceAddress,
  MAX_VOTE_METERS,
  proposalAddress,
  voteAddress,
  type ProposalKind,
  type ProposalStatus,
  type VoteChoice,
} from "./client";
import { CONFIG, GovernanceFixture } from "./fixture";
import { governanceIdl } from "./idl/governance";

const DAY = 86_400;
const HASH = new Uint8Array(32).fill(7);

/**
 * Compute-unit budgets (measured on LiteSVM 1.5, plus a margin). cast_vote and create_proposal
 * find their new PDA's canonical bump (~310 CU per bump tried below 255): the cast_vote pins are
 * for bump 255, which the tests arrange (bump255Voter); create_proposal's is for proposal 0, whose
 * address and bump are fixed.
 * The target: cast_vote <= 10,000 with 4 meters.
 */
const VOTING_CU = {
  /** proposal 0 (its PDA's bump is fixed): measured 3,753 */
  createProposal: 3_900,
  /** 4 meters, vote PDA bump 255: measured 4,147 */
  castVote4: 4_300,
  /** 8 meters (MAX_VOTE_METERS), vote PDA bump 255: measured 4,828 */
  castVote8: 5_000,
  /** an executed parameter proposal (Trading set_market_params by CPI): measured 3,305 */
  finalizeExecute: 3_450,
  /** NoQuorum / Rejected / Passed (no CPI): measured 1,221 / 1,226 */
  finalizeRecord: 1_300,
  /** Trading accept_params_authority by CPI: measured 2,279 */
  acceptMarketAuthority: 2_400,
} as const;

interface ProposalState {
  proposer: PublicKey;
  descriptionHash: number[];
  id: bigint;
  value: bigint;
  previousValue: bigint;
  createdAt: bigint;
  votingEndsAt: bigint;
  quorumWeight: bigint;
  forWeight: bigint;
  againstWeight: bigint;
  abstainWeight: bigint;
  voterCount: number;
  kind: ProposalKind;
  status: ProposalStatus;
  bump: number;
}

interface Voter {
  kp: Keypair;
  meters: TestMeter[];
}

/**
 * Events `program` emitted while invoked by CPI (Anchor's EventParser only reads the programs a
 * transaction invokes at the top level): its "Program data:" lines between its invoke and success.
 */
function cpiEvents<T extends Idl>(
  r: TxResult,
  program: Program<T>,
): { name: string; data: Record<string, unknown> }[] {
  const id = program.programId.toBase58();
  const out: { name: string; data: Record<string, unknown> }[] = [];
  let inside = false;
  for (const l of r.logs) {
    if (new RegExp(`^Program ${id} invoke \\[[2-9]\\]$`).test(l)) inside = true;
    else if (l === `Program ${id} success`) inside = false;
    else if (inside && l.startsWith("Program data: ")) {
      const e = program.coder.events.decode(l.slice("Program data: ".length));
      if (e) out.push({ name: e.name, data: e.data as Record<string, unknown> });
    }
  }
  return out;
}

const enumName = <T extends string>(v: unknown) => Object.keys(v as object)[0] as T;

/** Governance + Registry + a Trading market; three prosumers with verified generation. */
class VotingFixture {
  alice!: Voter;
  bob!: Voter;
  carol!: Voter;

  private constructor(
    readonly g: GovernanceFixture,
    readonly t: TradingFixture,
  ) {}

  static async create(opts: { handOver?: boolean } = {}): Promise<VotingFixture> {
    const g = await GovernanceFixture.create({ programs: ["oracle", "trading"] });
    const t = new TradingFixture(g.chain);
    await t.setupChain();
    expectOk(g.chain.send(await t.initIx(), [t.deployer]));
    const f = new VotingFixture(g, t);
    f.alice = await f.voter([6_000n]);
    f.bob = await f.voter([3_000n]);
    f.carol = await f.voter([1_000n]);
    if (opts.handOver !== false) await f.handOver();
    return f;
  }

  get chain() {
    return this.g.chain;
  }

  get program() {
    return this.g.program;
  }

  now(): bigint {
    return this.chain.clock().unixTimestamp;
  }

  /** A new prosumer (or `kp`, registered now) with one active meter per entry of `productions`. */
  async voter(productions: bigint[], kp?: Keypair): Promise<Voter> {
    const owner = kp ? await this.g.grid.user({ wallet: kp }) : await this.g.grid.user();
    const meters: TestMeter[] = [];
    for (const wh of productions) meters.push(await this.g.meterWithProduction(wh, owner));
    return { kp: owner, meters };
  }

  /** The market's params authority proposes the Governance PDA, which accepts. */
  async handOver(): Promise<TxResult> {
    expectOk(
      this.chain.send(await this.t.transferIx(governanceAddress()), [this.t.paramsAuthority]),
    );
    return expectOk(this.chain.send(await acceptMarketAuthorityInstruction(this.program), []));
  }

  proposalCount(): bigint {
    return toBigInt(this.g.governanceState().proposalCount);
  }

  createIx(
    proposer: Keypair,
    p: { kind?: ProposalKind; value?: bigint; endsIn?: number; votingEndsAt?: bigint } = {},
    o: Partial<Parameters<typeof createProposalInstruction>[1]> = {},
  ): Promise<TransactionInstruction> {
    return createProposalInstruction(this.program, {
      payer: proposer.publicKey,
      proposer: proposer.publicKey,
      id: this.proposalCount(),
      kind: p.kind ?? "feeBps",
      value: p.value ?? 40n,
      descriptionHash: HASH,
      votingEndsAt: p.votingEndsAt ?? this.now() + BigInt(p.endsIn ?? 2 * DAY),
      ...o,
    });
  }

  /** Creates a proposal (asserting success) and returns its address. */
  async propose(
    p: { kind?: ProposalKind; value?: bigint; endsIn?: number } = {},
    proposer = this.alice.kp,
  ): Promise<PublicKey> {
    const address = proposalAddress(this.proposalCount());
    expectOk(this.chain.send(await this.createIx(proposer, p), [proposer]));
    return address;
  }

  voteIx(
    v: Voter,
    proposal: PublicKey,
    choice: VoteChoice = "for",
    meters: PublicKey[] = v.meters.map((m) => m.meter),
  ): Promise<TransactionInstruction> {
    return castVoteInstruction(this.program, {
      payer: v.kp.publicKey,
      voter: v.kp.publicKey,
      proposal,
      choice,
      meters,
    });
  }

  async vote(v: Voter, proposal: PublicKey, choice: VoteChoice = "for"): Promise<TxResult> {
    return expectOk(this.chain.send(await this.voteIx(v, proposal, choice), [v.kp]));
  }

  finalizeIx(
    proposal: PublicKey,
    o: Partial<Parameters<typeof finalizeProposalInstruction>[1]> = {},
  ): Promise<TransactionInstruction> {
    return finalizeProposalInstruction(this.program, {
      proposal,
      feeDestination: this.t.feeAccount,
      ...o,
    });
  }

  /** Moves the clock to the proposal's voting_ends_at (and a few slots on). */
  endVoting(proposal: PublicKey): void {
    const ends = this.proposal(proposal)!.votingEndsAt;
    this.chain.warpToSlot(this.chain.clock().slot + 10n);
    this.chain.setUnixTimestamp(ends);
  }

  proposal(address: PublicKey): ProposalState | null {
    const a = this.chain.getAccount(address);
    if (!a || a.data.length === 0) return null;
    const d = this.program.coder.accounts.decode<Record<string, unknown>>("proposal", a.data);
    const n = (k: string) => toBigInt(d[k]);
    return {
      proposer: d.proposer as PublicKey,
      descriptionHash: d.descriptionHash as number[],
      id: n("id"),
      value: n("value"),
      previousValue: n("previousValue"),
      createdAt: n("createdAt"),
      votingEndsAt: n("votingEndsAt"),
      quorumWeight: n("quorumWeight"),
      forWeight: n("forWeight"),
      againstWeight: n("againstWeight"),
      abstainWeight: n("abstainWeight"),
      voterCount: Number(d.voterCount),
      kind: enumName<ProposalKind>(d.kind),
      status: enumName<ProposalStatus>(d.status),
      bump: Number(d.bump),
    };
  }

  vote_(address: PublicKey): Record<string, unknown> | null {
    const a = this.chain.getAccount(address);
    if (!a || a.data.length === 0) return null;
    return plain(this.program.coder.accounts.decode("vote", a.data));
  }

  marketConfig() {
    const { config } = this.t.market_() as { config: Record<string, unknown> };
    return plain(config) as unknown as typeof MARKET_CONFIG;
  }

  /** Sends and expects the named error (Governance's IDL unless `idl`) with none of `watch` changed. */
  refuse(
    ixs: TransactionInstruction | TransactionInstruction[],
    signers: Keypair[],
    name: string,
    watch: PublicKey[] = [],
    idl: typeof governanceIdl | typeof tradingIdl = governanceIdl,
  ): TxResult {
    const keys = [this.g.governance, this.t.market, ...watch];
    const before = this.chain.snapshot(keys);
    const r = this.chain.send(ixs, signers);
    expectAnchorError(r, name, idl);
    expectUnchanged(this.chain, before);
    return r;
  }
}

/** A keypair whose Vote PDA on `proposal` has the canonical bump 255 (what the CU pins assume). */
function bump255Voter(f: VotingFixture, proposal: PublicKey): Keypair {
  for (;;) {
    const kp = Keypair.generate();
    const [, bump] = PublicKey.findProgramAddressSync(
      [new TextEncoder().encode("vote"), proposal.toBytes(), kp.publicKey.toBytes()],
      f.program.programId,
    );
    if (bump === 255) return kp;
  }
}

describe("accept_market_authority", () => {
  let f: VotingFixture;
  beforeEach(async () => {
    f = await VotingFixture.create({ handOver: false });
  });

  it("makes the Governance PDA the market's params authority once the operator proposed it (anyone sends it)", async () => {
    expectOk(f.chain.send(await f.t.transferIx(governanceAddress()), [f.t.paramsAuthority]));
    const r = expectOk(f.chain.send(await acceptMarketAuthorityInstruction(f.program), []));
    const m = plain(f.t.market_());
    expect(m.paramsAuthority).toBe(governanceAddress().toBase58());
    expect(m.pendingParamsAuthority).toBe(PublicKey.default.toBase58());
    const events = f.g.events(r).map((e) => e.name);
    expect(events).toEqual(["marketAuthorityAccepted"]);
    expect(plain(f.g.event(r, "marketAuthorityAccepted"))).toEqual({
      governance: governanceAddress().toBase58(),
      market: f.t.market.toBase58(),
    });
    expect(cpiEvents(r, f.t.program).map((e) => e.name)).toEqual(["paramsAuthorityTransferred"]);
    expectCu(r, { max: VOTING_CU.acceptMarketAuthority });
  });

  it("is refused by Trading unless the Governance PDA is the pending authority (NotPendingAuthority)", async () => {
    f.refuse(
      await acceptMarketAuthorityInstruction(f.program),
      [],
      "NotPendingAuthority",
      [],
      tradingIdl,
    );
  });

  it("refuses another program than Trading (InvalidTradingProgram) or another market (InvalidMarket)", async () => {
    expectOk(f.chain.send(await f.t.transferIx(governanceAddress()), [f.t.paramsAuthority]));
    f.refuse(
      await acceptMarketAuthorityInstruction(f.program, { tradingProgram: f.program.programId }),
      [],
      "InvalidTradingProgram",
    );
    f.refuse(
      await acceptMarketAuthorityInstruction(f.program, { market: f.t.gridVault }),
      [],
      "InvalidMarket",
    );
  });
});

describe("create_proposal", () => {
  let f: VotingFixture;
  beforeEach(async () => {
    f = await VotingFixture.create();
  });

  it("opens proposal proposal_count with the market's current value and a quorum fixed from the Registry's total production", async () => {
    expect(f.g.grid.registryState().totalProduction).toBe(10_000n);
    const endsAt = f.now() + 3n * BigInt(DAY);
    const address = proposalAddress(0n);
    const r = expectOk(
      f.chain.send(
        await f.createIx(f.alice.kp, { kind: "feeBps", value: 40n, votingEndsAt: endsAt }),
        [f.alice.kp],
      ),
    );
    const [, bump] = PublicKey.findProgramAddressSync(
      [new TextEncoder().encode("proposal"), new Uint8Array(8)],
      f.program.programId,
    );
    const a = f.chain.getAccount(address)!;
    expect(a.owner.equals(f.program.programId)).toBe(true);
    expect(a.data.length).toBe(151);
    expect(f.proposal(address)).toEqual({
      proposer: f.alice.kp.publicKey,
      descriptionHash: [...HASH],
      id: 0n,
      value: 40n,
      previousValue: BigInt(MARKET_CONFIG.feeBps),
      createdAt: f.now(),
      votingEndsAt: endsAt,
      quorumWeight: 1_000n, // ceil(10,000 * 1,000 / 10,000)
      forWeight: 0n,
      againstWeight: 0n,
      abstainWeight: 0n,
      voterCount: 0,
      kind: "feeBps",
      status: "voting",
      bump,
    });
    expect(f.proposalCount()).toBe(1n);
    const created = f.g.event(r, "proposalCreated");
    expect(created.descriptionHash).toEqual([...HASH]);
    expect(plain({ ...created, descriptionHash: null })).toEqual({
      proposal: address.toBase58(),
      proposer: f.alice.kp.publicKey.toBase58(),
      id: 0n,
      kind: { feeBps: {} },
      value: 40n,
      previousValue: BigInt(MARKET_CONFIG.feeBps),
      descriptionHash: null,
      createdAt: f.now(),
      votingEndsAt: endsAt,
      quorumWeight: 1000n,
    });
    expectCu(r, { max: VOTING_CU.createProposal });
    // the next one is number 1, at its own address
    const second = await f.propose({ kind: "signal", value: 0n }, f.bob.kp);
    expect(second.equals(proposalAddress(1n))).toBe(true);
    expect(f.proposal(second)!.id).toBe(1n);
    expect(f.proposal(second)!.previousValue).toBe(0n);
  });

  it("rounds the quorum up and keeps it at least 1 Wh", async () => {
    // 10 % of 10,001 Wh is 1,000.1: 1,001 Wh
    await f.g.produce(f.carol.meters[0]!, 1n);
    const a = await f.propose();
    expect(f.proposal(a)!.quorumWeight).toBe(1_001n);
    // the minimum: a quorum of 1 bps of 10,001 Wh is 1.0001: 2 Wh
    expectOk(f.chain.send(await f.g.setConfigIx({ ...CONFIG, quorumBps: 1 }), [f.g.authority]));
    const b = await f.propose();
    expect(f.proposal(b)!.quorumWeight).toBe(2n);
  });

  it("records the market's current band and minimum order as previous_value", async () => {
    const band = await f.propose({ kind: "priceBandBps", value: 1_500n });
    expect(f.proposal(band)!.previousValue).toBe(BigInt(MARKET_CONFIG.priceBandBps));
    const min = await f.propose({ kind: "minOrderWh", value: 500n });
    expect(f.proposal(min)!.previousValue).toBe(MARKET_CONFIG.minOrderWh);
  });

  it("refuses a consumer, an unregistered wallet, a suspended prosumer and another wallet's user account (NotProsumer)", async () => {
    const consumer = await f.g.grid.user({ type: CONSUMER });
    const stranger = f.chain.newKeypair();
    const watch = [proposalAddress(0n)];
    f.refuse(await f.createIx(consumer), [consumer], "NotProsumer", watch);
    f.refuse(await f.createIx(stranger), [stranger], "NotProsumer", watch);
    f.refuse(
      await f.createIx(stranger, {}, { user: userAddress(f.alice.kp.publicKey) }),
      [stranger],
      "NotProsumer",
      watch,
    );
    expectOk(
      f.chain.send(
        await f.g.grid.setUserStatusIx(userAddress(f.bob.kp.publicKey), USER_SUSPENDED),
        [f.g.grid.admin],
      ),
    );
    f.refuse(await f.createIx(f.bob.kp), [f.bob.kp], "NotProsumer", watch);
    expect(f.proposalCount()).toBe(0n);
  });

  it("refuses a voting period shorter than min_voting_secs (one second, or already over) or longer than max_voting_secs", async () => {
    const watch = [proposalAddress(0n)];
    const k = f.alice.kp;
    f.refuse(await f.createIx(k, { endsIn: 1 }), [k], "VotingPeriodTooShort", watch);
    f.refuse(await f.createIx(k, { endsIn: DAY - 1 }), [k], "VotingPeriodTooShort", watch);
    f.refuse(await f.createIx(k, { endsIn: 0 }), [k], "VotingPeriodTooShort", watch);
    f.refuse(await f.createIx(k, { endsIn: -DAY }), [k], "VotingPeriodTooShort", watch);
    f.refuse(
      await f.createIx(k, { votingEndsAt: -(1n << 63n) }),
      [k],
      "VotingPeriodTooShort",
      watch,
    );
    f.refuse(
      await f.createIx(k, { endsIn: CONFIG.maxVotingSecs + 1 }),
      [k],
      "VotingPeriodTooLong",
      watch,
    );
    f.refuse(
      await f.createIx(k, { votingEndsAt: (1n << 63n) - 1n }),
      [k],
      "VotingPeriodTooLong",
      watch,
    );
    // the bounds themselves are accepted
    await f.propose({ endsIn: DAY });
    await f.propose({ endsIn: CONFIG.maxVotingSecs });
  });

  it("refuses a value Trading would not accept, so that a passed proposal can always execute (InvalidProposalValue)", async () => {
    const watch = [proposalAddress(0n)];
    const k = f.alice.kp;
    const bad: [ProposalKind, bigint][] = [
      ["feeBps", 501n], // MAX_FEE_BPS 500
      ["feeBps", 1n << 16n], // would wrap to 0 as a u16
      ["priceBandBps", 0n],
      ["priceBandBps", 9_001n], // MAX_PRICE_BAND_BPS 9,000
      ["minOrderWh", 0n],
      ["signal", 1n],
    ];
    for (const [kind, value] of bad)
      f.refuse(await f.createIx(k, { kind, value }), [k], "InvalidProposalValue", watch);
    for (const [kind, value] of [
      ["feeBps", 0n],
      ["feeBps", 500n],
      ["priceBandBps", 1n],
      ["priceBandBps", 9_000n],
      ["minOrderWh", 1n],
      ["minOrderWh", (1n << 64n) - 1n],
    ] as [ProposalKind, bigint][])
      await f.propose({ kind, value });
  });

  it("refuses another id than proposal_count (ConstraintSeeds) and an existing proposal (AccountNotSystemOwned)", async () => {
    const k = f.alice.kp;
    f.refuse(
      await f.createIx(k, {}, { id: 1n, proposal: proposalAddress(1n) }),
      [k],
      "ConstraintSeeds",
      [proposalAddress(1n)],
    );
    const first = await f.propose();
    f.refuse(await f.createIx(k, {}, { id: 0n, proposal: first }), [k], "AccountNotSystemOwned", [
      first,
    ]);
  });

  it("refuses another registry (InvalidRegistry) or market (InvalidMarket) account", async () => {
    const k = f.alice.kp;
    const watch = [proposalAddress(0n)];
    f.refuse(
      await f.createIx(k, {}, { registry: userAddress(k.publicKey) }),
      [k],
      "InvalidRegistry",
      watch,
    );
    f.refuse(await f.createIx(k, {}, { market: f.t.gridVault }), [k], "InvalidMarket", watch);
  });
});

describe("cast_vote", () => {
  let f: VotingFixture;
  let proposal: PublicKey;
  beforeEach(async () => {
    f = await VotingFixture.create();
    proposal = await f.propose();
  });

  it("records one vote weighted by the voter's verified generation and adds it to the tally", async () => {
    const r = await f.vote(f.alice, proposal, "for");
    const vote = voteAddress(proposal, f.alice.kp.publicKey);
    const [, bump] = PublicKey.findProgramAddressSync(
      [new TextEncoder().encode("vote"), proposal.toBytes(), f.alice.kp.publicKey.toBytes()],
      f.program.programId,
    );
    expect(f.vote_(vote)).toEqual({
      proposal: proposal.toBase58(),
      voter: f.alice.kp.publicKey.toBase58(),
      weight: 6000n,
      castAt: f.now(),
      choice: { for: {} },
      meterCount: 1,
      bump,
    });
    expect(plain(f.g.event(r, "voteCast"))).toEqual({
      proposal: proposal.toBase58(),
      vote: vote.toBase58(),
      voter: f.alice.kp.publicKey.toBase58(),
      choice: { for: {} },
      weight: 6000n,
      meterCount: 1,
      forWeight: 6000n,
      againstWeight: 0n,
      abstainWeight: 0n,
    });
    await f.vote(f.bob, proposal, "against");
    await f.vote(f.carol, proposal, "abstain");
    const p = f.proposal(proposal)!;
    expect([p.forWeight, p.againstWeight, p.abstainWeight, p.voterCount]).toEqual([
      6_000n,
      3_000n,
      1_000n,
      3,
    ]);
  });

  it(`sums several meters (up to MAX_VOTE_METERS = ${MAX_VOTE_METERS}); 4 meters within ${VOTING_CU.castVote4} CU at bump 255 (the issue: <= 10,000)`, async () => {
    const dave = await f.voter([100n, 200n, 300n, 400n], bump255Voter(f, proposal));
    const r = await f.vote(dave, proposal, "against");
    expect(f.proposal(proposal)!.againstWeight).toBe(1_000n);
    expect(f.vote_(voteAddress(proposal, dave.kp.publicKey))!.meterCount).toBe(4);
    const cu = expectCu(r, { max: VOTING_CU.castVote4 });
    expect(cu).toBeLessThanOrEqual(10_000);
    // eight meters, also at bump 255
    const erin = await f.voter([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n], bump255Voter(f, proposal));
    const r8 = await f.vote(erin, proposal, "abstain");
    expect(f.proposal(proposal)!.abstainWeight).toBe(36n);
    expectCu(r8, { max: VOTING_CU.castVote8 });
  });

  it("refuses a second vote, with the same meters or others (AlreadyVoted)", async () => {
    await f.vote(f.alice, proposal);
    const vote = voteAddress(proposal, f.alice.kp.publicKey);
    f.refuse(await f.voteIx(f.alice, proposal, "against"), [f.alice.kp], "AlreadyVoted", [
      proposal,
      vote,
    ]);
    // a new meter registered and producing after the first vote does not buy a second one
    const extra = await f.g.meterWithProduction(500n, f.alice.kp);
    f.refuse(
      await f.voteIx(f.alice, proposal, "for", [extra.meter]),
      [f.alice.kp],
      "AlreadyVoted",
      [proposal, vote],
    );
    expect(f.proposal(proposal)!.forWeight).toBe(6_000n);
  });

  it("refuses someone else's meter, alone or among the voter's own (MeterNotOwned)", async () => {
    const watch = [proposal, voteAddress(proposal, f.bob.kp.publicKey)];
    f.refuse(
      await f.voteIx(f.bob, proposal, "for", [f.alice.meters[0]!.meter]),
      [f.bob.kp],
      "MeterNotOwned",
      watch,
    );
    f.refuse(
      await f.voteIx(f.bob, proposal, "for", [f.bob.meters[0]!.meter, f.alice.meters[0]!.meter]),
      [f.bob.kp],
      "MeterNotOwned",
      watch,
    );
    // and the owner can still vote with it
    await f.vote(f.alice, proposal);
  });

  it("refuses a meter passed twice (DuplicateMeter)", async () => {
    const dave = await f.voter([100n, 200n]);
    const [a, b] = dave.meters.map((m) => m.meter) as [PublicKey, PublicKey];
    const watch = [proposal, voteAddress(proposal, dave.kp.publicKey)];
    f.refuse(await f.voteIx(dave, proposal, "for", [a, a]), [dave.kp], "DuplicateMeter", watch);
    f.refuse(await f.voteIx(dave, proposal, "for", [a, b, a]), [dave.kp], "DuplicateMeter", watch);
  });

  it("refuses a vote at or after voting_ends_at (VotingEnded)", async () => {
    f.endVoting(proposal);
    const watch = [proposal, voteAddress(proposal, f.alice.kp.publicKey)];
    f.refuse(await f.voteIx(f.alice, proposal), [f.alice.kp], "VotingEnded", watch);
    f.chain.advanceTime(DAY);
    f.refuse(await f.voteIx(f.alice, proposal), [f.alice.kp], "VotingEnded", watch);
  });

  it("accepts a vote one second before the end", async () => {
    f.chain.setUnixTimestamp(f.proposal(proposal)!.votingEndsAt - 1n);
    await f.vote(f.alice, proposal);
  });

  it("refuses no meter or more than MAX_VOTE_METERS (TooManyMeters)", async () => {
    const nine = await f.voter([1n, 1n, 1n, 1n, 1n, 1n, 1n, 1n, 1n]);
    const watch = [proposal, voteAddress(proposal, nine.kp.publicKey)];
    f.refuse(await f.voteIx(nine, proposal, "for", []), [nine.kp], "TooManyMeters", watch);
    f.refuse(await f.voteIx(nine, proposal), [nine.kp], "TooManyMeters", watch);
  });

  it("refuses a meter that is not Active (MeterNotActive) and meters with no production (NoVotingWeight)", async () => {
    expectOk(
      f.chain.send(await f.g.grid.setMeterStatusIx(f.bob.meters[0]!.meter, METER_SUSPENDED), [
        f.g.grid.admin,
      ]),
    );
    f.refuse(await f.voteIx(f.bob, proposal), [f.bob.kp], "MeterNotActive", [
      proposal,
      voteAddress(proposal, f.bob.kp.publicKey),
    ]);
    const idle = await f.voter([0n]);
    f.refuse(await f.voteIx(idle, proposal), [idle.kp], "NoVotingWeight", [
      proposal,
      voteAddress(proposal, idle.kp.publicKey),
    ]);
  });

  it("refuses an account that is not a Registry meter (InvalidMeter)", async () => {
    const watch = [proposal, voteAddress(proposal, f.alice.kp.publicKey)];
    for (const fake of [
      userAddress(f.alice.kp.publicKey), // Registry-owned, another layout
      f.alice.kp.publicKey, // a wallet
      proposal, // Governance-owned
    ])
      f.refuse(
        await f.voteIx(f.alice, proposal, "for", [fake]),
        [f.alice.kp],
        "InvalidMeter",
        watch,
      );
    // a copy of a real meter's bytes under another program
    const copy = f.chain.newKeypair().publicKey;
    const real = f.chain.getAccount(f.alice.meters[0]!.meter)!;
    f.chain.setAccount(copy, { ...real, owner: f.program.programId });
    f.refuse(await f.voteIx(f.alice, proposal, "for", [copy]), [f.alice.kp], "InvalidMeter", watch);
  });

  it('refuses a vote account at another address than ["vote", proposal, voter] (ConstraintSeeds)', async () => {
    const other = voteAddress(proposal, f.bob.kp.publicKey);
    const ix = await castVoteInstruction(f.program, {
      payer: f.alice.kp.publicKey,
      voter: f.alice.kp.publicKey,
      proposal,
      choice: "for",
      meters: [f.alice.meters[0]!.meter],
      vote: other,
    });
    f.refuse(ix, [f.alice.kp], "ConstraintSeeds", [proposal, other]);
  });
});

describe("finalize_proposal", () => {
  let f: VotingFixture;
  beforeEach(async () => {
    f = await VotingFixture.create();
  });

  it("executes a passed fee proposal: Trading's set_market_params changes the Market's fee_bps, nothing else", async () => {
    const proposal = await f.propose({ kind: "feeBps", value: 40n });
    await f.vote(f.alice, proposal, "for");
    await f.vote(f.bob, proposal, "against");
    f.endVoting(proposal);
    const before = plain(f.t.market_());
    const r = expectOk(f.chain.send(await f.finalizeIx(proposal), []));
    const after = plain(f.t.market_());
    expect(after).toEqual({ ...before, config: { ...MARKET_CONFIG, feeBps: 40 } });
    const p = f.proposal(proposal)!;
    expect(p.status).toBe("executed");
    expect(p.previousValue).toBe(BigInt(MARKET_CONFIG.feeBps));
    expect(plain(f.g.event(r, "proposalFinalized"))).toEqual({
      proposal: proposal.toBase58(),
      id: 0n,
      kind: { feeBps: {} },
      status: { executed: {} },
      value: 40n,
      previousValue: BigInt(MARKET_CONFIG.feeBps),
      forWeight: 6000n,
      againstWeight: 3000n,
      abstainWeight: 0n,
      quorumWeight: 1000n,
    });
    expect(cpiEvents(r, f.t.program).map((e) => e.name)).toEqual(["marketParamsChanged"]);
    expect(plain(cpiEvents(r, f.t.program)[0]!.data)).toEqual({
      authority: governanceAddress().toBase58(),
      feeDestination: f.t.feeAccount.toBase58(),
      emergencyAuthority: f.t.emergencyAuthority.publicKey.toBase58(),
      previous: MARKET_CONFIG,
      config: { ...MARKET_CONFIG, feeBps: 40 },
    });
    expectCu(r, { max: VOTING_CU.finalizeExecute });
    // executing twice: refused
    f.refuse(await f.finalizeIx(proposal), [], "AlreadyFinalized", [proposal]);
  });

  it("executes a passed price band and a passed minimum order proposal, keeping previous_value from the time of execution", async () => {
    const band = await f.propose({ kind: "priceBandBps", value: 1_500n });
    const min = await f.propose({ kind: "minOrderWh", value: 250n });
    await f.vote(f.alice, band);
    await f.vote(f.alice, min);
    f.endVoting(min);
    expectOk(f.chain.send(await f.finalizeIx(band), []));
    expectOk(f.chain.send(await f.finalizeIx(min), []));
    expect(f.marketConfig()).toEqual({ ...MARKET_CONFIG, priceBandBps: 1_500, minOrderWh: 250n });
    expect(f.proposal(band)!.previousValue).toBe(BigInt(MARKET_CONFIG.priceBandBps));
    expect(f.proposal(min)!.previousValue).toBe(MARKET_CONFIG.minOrderWh);
  });

  it("a passed signal only records: Passed, the market untouched, no CPI", async () => {
    const proposal = await f.propose({ kind: "signal", value: 0n });
    await f.vote(f.bob, proposal, "for");
    f.endVoting(proposal);
    const market = f.chain.snapshot([f.t.market]);
    const r = expectOk(f.chain.send(await f.finalizeIx(proposal), []));
    expectUnchanged(f.chain, market);
    expect(f.proposal(proposal)!.status).toBe("passed");
    expect(cpiEvents(r, f.t.program)).toEqual([]);
    expectCu(r, { max: VOTING_CU.finalizeRecord });
  });

  it("refuses to finalize before voting_ends_at (VotingNotEnded)", async () => {
    const proposal = await f.propose();
    await f.vote(f.alice, proposal);
    f.refuse(await f.finalizeIx(proposal), [], "VotingNotEnded", [proposal]);
    f.chain.setUnixTimestamp(f.proposal(proposal)!.votingEndsAt - 1n);
    f.refuse(await f.finalizeIx(proposal), [], "VotingNotEnded", [proposal]);
    expect(f.proposal(proposal)!.status).toBe("voting");
  });

  it("without quorum: NoQuorum, the market unchanged even though every vote was for", async () => {
    // the quorum is 1,000 Wh: a 999 Wh voter alone does not reach it
    const small = await f.voter([999n]);
    const proposal = await f.propose();
    await f.vote(small, proposal, "for");
    f.endVoting(proposal);
    const market = f.chain.snapshot([f.t.market]);
    const r = expectOk(f.chain.send(await f.finalizeIx(proposal), []));
    expectUnchanged(f.chain, market);
    expect(f.proposal(proposal)!.status).toBe("noQuorum");
    expect(plain(f.g.event(r, "proposalFinalized")).status).toEqual({ noQuorum: {} });
    expectCu(r, { max: VOTING_CU.finalizeRecord });
    f.refuse(await f.finalizeIx(proposal), [], "AlreadyFinalized", [proposal]);
    // abstentions count towards the quorum: carol's 1,000 Wh abstaining reaches it exactly
    const second = await f.propose();
    await f.vote(f.carol, second, "abstain");
    await f.vote(small, second, "for");
    f.endVoting(second);
    expectOk(f.chain.send(await f.finalizeIx(second), []));
    expect(f.proposal(second)!.status).toBe("executed");
  });

  it("a tie or a majority against is Rejected; executing a rejected proposal is refused (AlreadyFinalized), the market unchanged", async () => {
    const tie = await f.propose();
    const against = await f.propose();
    const dave = await f.voter([3_000n]);
    await f.vote(f.bob, tie, "for");
    await f.vote(dave, tie, "against");
    await f.vote(f.alice, against, "against");
    await f.vote(f.bob, against, "for");
    f.endVoting(against);
    const market = f.chain.snapshot([f.t.market]);
    expectOk(f.chain.send(await f.finalizeIx(tie), []));
    expectOk(f.chain.send(await f.finalizeIx(against), []));
    expectUnchanged(f.chain, market);
    expect(f.proposal(tie)!.status).toBe("rejected");
    expect(f.proposal(against)!.status).toBe("rejected");
    f.refuse(await f.finalizeIx(against), [], "AlreadyFinalized", [against]);
    f.chain.advanceTime(30 * DAY);
    f.refuse(await f.finalizeIx(tie), [], "AlreadyFinalized", [tie]);
    expect(f.marketConfig()).toEqual(MARKET_CONFIG);
  });

  it("refuses another fee destination (ConstraintAddress), program (InvalidTradingProgram) or market (InvalidMarket)", async () => {
    const proposal = await f.propose();
    await f.vote(f.alice, proposal);
    f.endVoting(proposal);
    const watch = [proposal];
    // another THBC account Trading would accept: Governance must not let a vote redirect the fees
    const trader = f.t.trader(0n, 0n);
    f.refuse(
      await f.finalizeIx(proposal, { feeDestination: trader.thbc }),
      [],
      "ConstraintAddress",
      watch,
    );
    f.refuse(
      await f.finalizeIx(proposal, { tradingProgram: f.program.programId }),
      [],
      "InvalidTradingProgram",
      watch,
    );
    f.refuse(await f.finalizeIx(proposal, { market: f.t.gridVault }), [], "InvalidMarket", watch);
    expectOk(f.chain.send(await f.finalizeIx(proposal), []));
  });
});

describe("finalize_proposal before Governance holds the market", () => {
  it("refuses to execute a passed proposal (NotMarketAuthority) and keeps it open until the hand-over", async () => {
    const f = await VotingFixture.create({ handOver: false });
    const proposal = await f.propose({ kind: "feeBps", value: 100n });
    await f.vote(f.alice, proposal);
    f.endVoting(proposal);
    f.refuse(await f.finalizeIx(proposal), [], "NotMarketAuthority", [proposal]);
    expect(f.proposal(proposal)!.status).toBe("voting");
    // no late votes meanwhile
    f.refuse(await f.voteIx(f.bob, proposal, "against"), [f.bob.kp], "VotingEnded", [proposal]);
    // a signal and a rejected proposal need no authority
    const signal = await f.propose({ kind: "signal", value: 0n });
    await f.vote(f.alice, signal);
    f.endVoting(signal);
    expectOk(f.chain.send(await f.finalizeIx(signal), []));
    expect(f.proposal(signal)!.status).toBe("passed");
    await f.handOver();
    expectOk(f.chain.send(await f.finalizeIx(proposal), []));
    expect(f.proposal(proposal)!.status).toBe("executed");
    expect(f.marketConfig().feeBps).toBe(100);
  });
});

describe("the one-vote rule across proposals", () => {
  it("a meter counts once per proposal and again on the next one", async () => {
    const f = await VotingFixture.create();
    const a = await f.propose();
    const b = await f.propose();
    await f.vote(f.alice, a);
    await f.vote(f.alice, b, "against");
    expect(f.proposal(a)!.forWeight).toBe(6_000n);
    expect(f.proposal(b)!.againstWeight).toBe(6_000n);
    // a vote of proposal a cannot be replayed as a vote on b (its address names the proposal)
    f.refuse(
      await castVoteInstruction(f.program, {
        payer: f.bob.kp.publicKey,
        voter: f.bob.kp.publicKey,
        proposal: b,
        choice: "for",
        meters: [f.bob.meters[0]!.meter],
        vote: voteAddress(a, f.bob.kp.publicKey),
      }),
      [f.bob.kp],
      "ConstraintSeeds",
      [a, b],
    );
  });
});
