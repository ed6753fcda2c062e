/**
 * Test fixture: a LiteSVM chain with the real Registry and Energy Token .so files, both
 * initialised, plus helpers to register users and meters, activate meters, submit signed
 * readings and settle. Shared by the registry, energy token, forgery and property tests.
 */
import type { Program } from "@coral-xyz/anchor";
import type { Keypair, PublicKey, TransactionInstruction } from "@solana/web3.js";
import { loadDeployAuthority } from "~/lib/solana/deploy-authority";
import { createAta, expectOk, TestChain, type SendOptions, type TxResult } from "../harness";
import { generateMeterKeyPair, signReading, type MeterKeyPair, type MeterReading } from "../../lib/meter-reading";
import { energyTokenIdl, type EnergyToken } from "../energy_token/idl/energy_token";
import {
  meterAddress,
  registerMeterInstruction,
  registerUserInstruction,
  registryAddress,
  registryInitializeInstruction,
  setMeterStatusInstruction,
  setUserStatusInstruction,
  settleBalanceInstruction,
  submitReadingInstructions,
  userAddress,
} from "./client";
import { energyTokenInitializeInstruction, gridAccountAddress, gridMintAddress } from "../energy_token/client";
import { registryIdl, type Registry } from "./idl/registry";


/** 2026-01-01T00:00:00Z: the chain clock at the start of every test. */
export const T0 = 1_767_225_600;

export type UserTypeArg = { prosumer: Record<string, never> } | { consumer: Record<string, never> };
export type MeterTypeArg =
  | { solar: Record<string, never> }
  | { wind: Record<string, never> }
  | { battery: Record<string, never> }
  | { grid: Record<string, never> };
export type MeterStatusArg = { pending: Record<string, never> } | { active: Record<string, never> } | { suspended: Record<string, never> };
export type UserStatusArg = { active: Record<string, never> } | { suspended: Record<string, never> };

export const PROSUMER: UserTypeArg = { prosumer: {} };
export const CONSUMER: UserTypeArg = { consumer: {} };
export const SOLAR: MeterTypeArg = { solar: {} };
export const WIND: MeterTypeArg = { wind: {} };
export const BATTERY: MeterTypeArg = { battery: {} };
export const GRID_METER: MeterTypeArg = { grid: {} };
export const METER_ACTIVE: MeterStatusArg = { active: {} };
export const METER_SUSPENDED: MeterStatusArg = { suspended: {} };
export const METER_PENDING: MeterStatusArg = { pending: {} };
export const USER_ACTIVE: UserStatusArg = { active: {} };
export const USER_SUSPENDED: UserStatusArg = { suspended: {} };

/** { solar: {} } → "solar": the fixture's Anchor-style enum arguments as the client takes them. */
const variantName = <V extends object>(v: V) => Object.keys(v)[0] as Extract<keyof V, string>;

export interface MeterOptions {
  capacityW?: bigint | number;
  type?: MeterTypeArg;
  zoneId?: number;
  key?: MeterKeyPair;
}

export interface TestMeter {
  owner: Keypair;
  meterId: string;
  meter: PublicKey;
  key: MeterKeyPair;
  /** The owner's GRID associated token account (created by activeMeter). */
  ata: PublicKey;
}

/** Decoded Meter account with integers as bigint. */
export interface MeterState {
  owner: PublicKey;
  meterPubkey: PublicKey;
  meterId: string;
  ratedCapacityW: bigint;
  registeredAt: bigint;
  lastReadingAt: bigint;
  readingCount: bigint;
  totalProduction: bigint;
  totalConsumption: bigint;
  settledNetGen: bigint;
  claimedErcGen: bigint;
  productionRegister: bigint;
  consumptionRegister: bigint;
  activatedAt: bigint;
  ercCertifiedUntil: bigint;
  zoneId: number;
  meterType: string;
  status: string;
  bump: number;
}

const big = (v: unknown) => BigInt(String(v));
const enumName = (v: unknown) => Object.keys(v as object)[0] ?? "";

export class GridFixture {
  readonly chain: TestChain;
  readonly registry: Program<Registry>;
  readonly energyToken: Program<EnergyToken>;
  readonly admin: Keypair;
  /** The build-time DEPLOY_AUTHORITY (the committed development key), funded. */
  readonly deployer: Keypair;
  private meterSeq = 0;
  /** The registers of each meter's last accepted reading (what submitDelta adds to). */
  private readonly registers = new Map<string, { production: bigint; consumption: bigint }>();

  private constructor(chain: TestChain) {
    this.chain = chain;
    this.registry = chain.program(registryIdl);
    this.energyToken = chain.program(energyTokenIdl);
    this.admin = chain.newKeypair();
    this.deployer = loadDeployAuthority();
    chain.airdrop(this.deployer.publicKey, 10_000_000_000n);
  }

  /**
   * A chain with both programs (and `programs`, e.g. governance); `initialize` (default true)
   * initialises Energy Token and Registry.
   */
  static async create(opts: { initialize?: boolean; programs?: string[] } = {}): Promise<GridFixture> {
    const chain = TestChain.create({ programs: ["registry", "energy_token", ...(opts.programs ?? [])] });
    chain.setUnixTimestamp(T0);
    const f = new GridFixture(chain);
    if (opts.initialize !== false) {
      expectOk(chain.send(await f.initEnergyTokenIx(chain.payer.publicKey), [f.deployer]));
      expectOk(chain.send(await f.initRegistryIx(f.admin.publicKey), [f.deployer]));
    }
    return f;
  }

  // ---------- instruction builders ----------

  /** energy_token.initialize paid by `payer`; `deployer` (default: DEPLOY_AUTHORITY) must co-sign. */
  initEnergyTokenIx(payer: PublicKey, deployer = this.deployer.publicKey): Promise<TransactionInstruction> {
    return energyTokenInitializeInstruction(this.energyToken, { payer, deployer });
  }

  /**
   * registry.initialize making `authority` the registry authority; the chain's payer pays unless
   * given, and `deployer` (default: DEPLOY_AUTHORITY) must co-sign.
   */
  initRegistryIx(
    authority: PublicKey,
    opts: { payer?: PublicKey; deployer?: PublicKey } = {},
  ): Promise<TransactionInstruction> {
    return registryInitializeInstruction(this.registry, {
      payer: opts.payer ?? this.chain.payer.publicKey,
      deployer: opts.deployer ?? this.deployer.publicKey,
      authority,
    });
  }

  registerUserIx(wallet: PublicKey, opts: { type?: UserTypeArg; name?: string; payer?: PublicKey; user?: PublicKey } = {}) {
    return registerUserInstruction(this.registry, {
      wallet,
      userType: variantName(opts.type ?? PROSUMER),
      name: opts.name ?? "Somchai",
      payer: opts.payer,
      user: opts.user,
    });
  }

  registerMeterIx(
    owner: PublicKey,
    meterId: string,
    meterPubkey: Uint8Array,
    opts: MeterOptions & { payer?: PublicKey; user?: PublicKey; meter?: PublicKey; meterKey?: PublicKey } = {},
  ) {
    return registerMeterInstruction(this.registry, {
      owner,
      meterId,
      meterPublicKey: meterPubkey,
      meterType: variantName(opts.type ?? SOLAR),
      zoneId: opts.zoneId ?? 7,
      ratedCapacityW: opts.capacityW ?? 5_000,
      payer: opts.payer,
      user: opts.user,
      meter: opts.meter,
      meterKey: opts.meterKey,
    });
  }

  setMeterStatusIx(meter: PublicKey, status: MeterStatusArg, authority = this.admin.publicKey) {
    return setMeterStatusInstruction(this.registry, { authority, meter, status: variantName(status) });
  }

  setUserStatusIx(user: PublicKey, status: UserStatusArg, authority = this.admin.publicKey) {
    return setUserStatusInstruction(this.registry, { authority, user, status: variantName(status) });
  }

  readingIxs(reading: MeterReading, key: MeterKeyPair): Promise<TransactionInstruction[]> {
    return submitReadingInstructions(this.registry, reading, signReading(reading, key.privateKey), key.publicKey);
  }

  settleIx(meterId: string, owner: PublicKey): Promise<TransactionInstruction> {
    return settleBalanceInstruction(this.registry, meterId, owner);
  }

  // ---------- actions (expect success) ----------

  /** A funded wallet registered as a user. */
  async user(opts: { type?: UserTypeArg; name?: string; wallet?: Keypair } = {}): Promise<Keypair> {
    const wallet = opts.wallet ?? this.chain.newKeypair();
    if (opts.wallet) this.chain.airdrop(wallet.publicKey, 10_000_000_000n);
    expectOk(this.chain.send(await this.registerUserIx(wallet.publicKey, opts), [wallet]));
    return wallet;
  }

  nextMeterId(): string {
    return `MTR-${String(++this.meterSeq).padStart(4, "0")}`;
  }

  /** A registered (Pending) meter of `owner` (a new user when omitted). */
  async pendingMeter(owner?: Keypair, opts: MeterOptions = {}): Promise<TestMeter> {
    const o = owner ?? (await this.user());
    const key = opts.key ?? generateMeterKeyPair();
    const meterId = this.nextMeterId();
    expectOk(this.chain.send(await this.registerMeterIx(o.publicKey, meterId, key.publicKey, opts), [o]));
    return { owner: o, meterId, meter: meterAddress(meterId), key, ata: gridAccountAddress(o.publicKey) };
  }

  /** A registered, activated meter whose owner has a GRID associated token account. */
  async activeMeter(owner?: Keypair, opts: MeterOptions = {}): Promise<TestMeter> {
    const m = await this.pendingMeter(owner, opts);
    expectOk(this.chain.send(await this.setMeterStatusIx(m.meter, METER_ACTIVE), [this.admin]));
    createAta(this.chain, m.owner.publicKey, gridMintAddress());
    return m;
  }

  /**
   * A meter activated now whose baseline reading (registers `production`/`consumption` at the
   * chain clock) is already on chain: the next reading adds its register differences.
   */
  async meterWithBaseline(
    owner?: Keypair,
    opts: MeterOptions & { production?: bigint | number; consumption?: bigint | number } = {},
  ): Promise<TestMeter> {
    const m = await this.activeMeter(owner, opts);
    const timestamp = Number(this.chain.clock().unixTimestamp);
    expectOk(
      await this.submit(m, {
        productionRegisterWh: opts.production ?? 0,
        consumptionRegisterWh: opts.consumption ?? 0,
        timestamp,
      }),
    );
    return m;
  }

  /** Sends the attestation + submit_reading (fee payer: the chain's payer unless given). */
  async submit(m: TestMeter, reading: Omit<MeterReading, "meterId">, opts: SendOptions = {}): Promise<TxResult> {
    const r = this.chain.send(await this.readingIxs({ ...reading, meterId: m.meterId }, m.key), [], opts);
    if (r.ok)
      this.registers.set(m.meterId, {
        production: BigInt(reading.productionRegisterWh),
        consumption: BigInt(reading.consumptionRegisterWh),
      });
    return r;
  }

  /**
   * A reading whose registers are the last accepted ones plus `productionWh`/`consumptionWh`
   * (the energy of the interval), at `timestamp`.
   */
  async submitDelta(
    m: TestMeter,
    delta: { productionWh: bigint | number; consumptionWh: bigint | number; timestamp: number },
    opts: SendOptions = {},
  ): Promise<TxResult> {
    const last = this.registers.get(m.meterId) ?? { production: 0n, consumption: 0n };
    return this.submit(
      m,
      {
        productionRegisterWh: last.production + BigInt(delta.productionWh),
        consumptionRegisterWh: last.consumption + BigInt(delta.consumptionWh),
        timestamp: delta.timestamp,
      },
      opts,
    );
  }

  async settle(m: TestMeter, opts: SendOptions = {}): Promise<TxResult> {
    return this.chain.send(await this.settleIx(m.meterId, m.owner.publicKey), [], opts);
  }

  // ---------- state ----------

  meterState(meter: PublicKey): MeterState {
    const a = this.chain.getAccount(meter);
    if (!a) throw new Error(`meter ${meter.toBase58()} missing`);
    const d = this.registry.coder.accounts.decode<Record<string, unknown>>("meter", a.data);
    const len = Number(d.meterIdLen);
    return {
      owner: d.owner as PublicKey,
      meterPubkey: d.meterPubkey as PublicKey,
      meterId: Buffer.from((d.meterId as number[]).slice(0, len)).toString("utf8"),
      ratedCapacityW: big(d.ratedCapacityW),
      registeredAt: big(d.registeredAt),
      lastReadingAt: big(d.lastReadingAt),
      readingCount: big(d.readingCount),
      totalProduction: big(d.totalProduction),
      totalConsumption: big(d.totalConsumption),
      settledNetGen: big(d.settledNetGen),
      claimedErcGen: big(d.claimedErcGen),
      productionRegister: big(d.productionRegister),
      consumptionRegister: big(d.consumptionRegister),
      activatedAt: big(d.activatedAt),
      ercCertifiedUntil: big(d.ercCertifiedUntil),
      zoneId: Number(d.zoneId),
      meterType: enumName(d.meterType),
      status: enumName(d.status),
      bump: Number(d.bump),
    };
  }

  userState(wallet: PublicKey) {
    const a = this.chain.getAccount(userAddress(wallet));
    if (!a) throw new Error(`user ${wallet.toBase58()} missing`);
    const d = this.registry.coder.accounts.decode<Record<string, unknown>>("user", a.data);
    const len = Number(d.nameLen);
    return {
      wallet: d.wallet as PublicKey,
      name: Buffer.from((d.name as number[]).slice(0, len)).toString("utf8"),
      registeredAt: big(d.registeredAt),
      meterCount: big(d.meterCount),
      userType: enumName(d.userType),
      status: enumName(d.status),
      bump: Number(d.bump),
    };
  }

  registryState() {
    const a = this.chain.getAccount(registryAddress());
    if (!a) throw new Error("registry missing");
    const d = this.registry.coder.accounts.decode<Record<string, unknown>>("registry", a.data);
    return {
      authority: d.authority as PublicKey,
      userCount: big(d.userCount),
      meterCount: big(d.meterCount),
      activeMeterCount: big(d.activeMeterCount),
      bump: Number(d.bump),
      totalProduction: big(d.totalProduction),
    };
  }
}
