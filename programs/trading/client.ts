/**
 * Client for the Trading program: its PDAs (market, vaults, order) and every instruction.
 * Browser-safe (no Node modules; `Program` is a type import only), like programs/oracle/client.ts.
 *
 * Collateral sits in the market's two vaults; a fill moves numbers between two orders, and
 * cancel / close pay an order's lock and what its fills credited it to its owner's token accounts.
 *
 * Units: amounts in Wh (GRID base units, 3 decimals), prices in THBC base units (6 decimals) per
 * kWh; a buy locks ceil(amount_wh * limit_price / 1000) THBC (see buyLock).
 */
import type { Program } from "@coral-xyz/anchor";
import BN from "bn.js";
import { TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { PublicKey, SystemProgram, TransactionInstruction } from "@solana/web3.js";
import { fillCertificateAddress, GOVERNANCE_ID } from "../governance/client";
import { ORACLE_PROGRAM_ID } from "../oracle/idl/oracle";
import { TRADING_PROGRAM_ID, type Trading } from "./idl/trading";

export const TRADING_ID = new PublicKey(TRADING_PROGRAM_ID);
/** SPL Token (classic): the only token program the market accepts. */
export const TOKEN_PROGRAM = TOKEN_PROGRAM_ID;

const enc = new TextEncoder();
const u64le = (v: bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
};
const bn = (v: bigint | number) => new BN(v.toString());

/** The Market PDA ["market"]. */
export const marketAddress = () =>
  PublicKey.findProgramAddressSync([enc.encode("market")], TRADING_ID)[0];

/** The market's GRID vault, PDA ["grid_vault"]: a token account whose authority is the market. */
export const gridVaultAddress = () =>
  PublicKey.findProgramAddressSync([enc.encode("grid_vault")], TRADING_ID)[0];

/** The market's THBC vault, PDA ["thbc_vault"]. */
export const thbcVaultAddress = () =>
  PublicKey.findProgramAddressSync([enc.encode("thbc_vault")], TRADING_ID)[0];

/** The vault an order of `side` locks its collateral in: GRID for a sell, THBC for a buy. */
export const vaultFor = (side: Side) => (side === "sell" ? gridVaultAddress() : thbcVaultAddress());

/** The Oracle PDA the market reads its reference price from. */
export const oracleAddress = () =>
  PublicKey.findProgramAddressSync([enc.encode("oracle")], new PublicKey(ORACLE_PROGRAM_ID))[0];

/** Order PDA ["order", market, owner, client_order_id LE]: no shared counter. */
export const orderAddress = (owner: PublicKey, clientOrderId: bigint, market = marketAddress()) =>
  PublicKey.findProgramAddressSync(
    [enc.encode("order"), market.toBytes(), owner.toBytes(), u64le(clientOrderId)],
    TRADING_ID,
  )[0];

/**
 * The first client order id >= `from` whose Order PDA has the canonical bump 255 (about every
 * second id): create_order then finds the bump with one hash. Any id works; each lower bump
 * costs create_order ~400 CU more (a bump-246 id ~8,650 CU instead of ~5,000).
 */
export function clientOrderIdWithBump255(
  owner: PublicKey,
  from: bigint,
  market = marketAddress(),
): bigint {
  for (let id = from; ; id++) {
    const [, bump] = PublicKey.findProgramAddressSync(
      [enc.encode("order"), market.toBytes(), owner.toBytes(), u64le(id)],
      TRADING_ID,
    );
    if (bump === 255) return id;
  }
}

export type Side = "buy" | "sell";
export const sideArg = (s: Side) => (s === "buy" ? { buy: {} } : { sell: {} });

/** What a buy locks: ceil(amount_wh * limit_price / 1000) THBC base units. A sell locks amount_wh. */
export const buyLock = (amountWh: bigint, limitPrice: bigint) =>
  (amountWh * limitPrice + 999n) / 1000n;
export const orderLock = (side: Side, amountWh: bigint, limitPrice: bigint) =>
  side === "sell" ? amountWh : buyLock(amountWh, limitPrice);

export interface MarketConfig {
  minOrderWh: bigint;
  maxOracleAgeSecs: number;
  feeBps: number;
  priceBandBps: number;
}

export const marketConfigArg = (c: MarketConfig) => ({
  minOrderWh: bn(c.minOrderWh),
  maxOracleAgeSecs: c.maxOracleAgeSecs,
  feeBps: c.feeBps,
  priceBandBps: c.priceBandBps,
});

/** initialize: `deployer` (the build-time DEPLOY_AUTHORITY) co-signs, `payer` pays. */
export function tradingInitializeInstruction(
  program: Program<Trading>,
  p: {
    payer: PublicKey;
    deployer: PublicKey;
    paramsAuthority: PublicKey;
    emergencyAuthority: PublicKey;
    gridMint: PublicKey;
    thbcMint: PublicKey;
    feeDestination: PublicKey;
    config: MarketConfig;
    market?: PublicKey;
    gridVault?: PublicKey;
    thbcVault?: PublicKey;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .initialize(p.paramsAuthority, p.emergencyAuthority, marketConfigArg(p.config))
    .accountsStrict({
      payer: p.payer,
      deployer: p.deployer,
      market: p.market ?? marketAddress(),
      gridMint: p.gridMint,
      thbcMint: p.thbcMint,
      feeDestination: p.feeDestination,
      gridVault: p.gridVault ?? gridVaultAddress(),
      thbcVault: p.thbcVault ?? thbcVaultAddress(),
      tokenProgram: TOKEN_PROGRAM,
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/** set_market_params, signed by the params authority. */
export function setMarketParamsInstruction(
  program: Program<Trading>,
  p: {
    paramsAuthority: PublicKey;
    feeDestination: PublicKey;
    emergencyAuthority: PublicKey;
    config: MarketConfig;
    market?: PublicKey;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .setMarketParams(marketConfigArg(p.config), p.emergencyAuthority)
    .accountsStrict({
      paramsAuthority: p.paramsAuthority,
      market: p.market ?? marketAddress(),
      feeDestination: p.feeDestination,
    })
    .instruction();
}

/** transfer_params_authority: the params authority proposes `newAuthority`, who must accept. */
export function transferParamsAuthorityInstruction(
  program: Program<Trading>,
  p: { paramsAuthority: PublicKey; newAuthority: PublicKey; market?: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .transferParamsAuthority(p.newAuthority)
    .accountsStrict({ paramsAuthority: p.paramsAuthority, market: p.market ?? marketAddress() })
    .instruction();
}

/** accept_params_authority, signed by the proposed authority. */
export function acceptParamsAuthorityInstruction(
  program: Program<Trading>,
  p: { newAuthority: PublicKey; market?: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .acceptParamsAuthority()
    .accountsStrict({ newAuthority: p.newAuthority, market: p.market ?? marketAddress() })
    .instruction();
}

/** pause (or, `paused: false`, unpause), signed by the emergency authority. */
export function setPausedInstruction(
  program: Program<Trading>,
  p: { emergencyAuthority: PublicKey; paused: boolean; market?: PublicKey },
): Promise<TransactionInstruction> {
  const m = p.paused ? program.methods.pause() : program.methods.unpause();
  return m
    .accountsStrict({
      emergencyAuthority: p.emergencyAuthority,
      market: p.market ?? marketAddress(),
    })
    .instruction();
}

/**
 * create_order: the owner signs and pays the order's rent; the lock moves from
 * `ownerTokenAccount` (GRID for a sell, THBC for a buy) into the market's vault for that mint.
 * Green: a sell names `certificate` (a Validated Governance certificate of the owner, which
 * locks `amountWh` of its volume); a buy with `greenOnly` fills only against green sells.
 */
export function createOrderInstruction(
  program: Program<Trading>,
  p: {
    owner: PublicKey;
    side: Side;
    clientOrderId: bigint;
    amountWh: bigint;
    limitPrice: bigint;
    expiresAt: bigint;
    ownerTokenAccount: PublicKey;
    vault?: PublicKey;
    market?: PublicKey;
    oracle?: PublicKey;
    order?: PublicKey;
    /** A green sell's certificate. */
    certificate?: PublicKey;
    /** A buy that fills only against green sells. */
    greenOnly?: boolean;
  },
): Promise<TransactionInstruction> {
  const market = p.market ?? marketAddress();
  const order = p.order ?? orderAddress(p.owner, p.clientOrderId);
  if (p.side === "sell" && p.greenOnly) throw new Error("greenOnly is for buy orders");
  if (p.side === "buy" && p.certificate) throw new Error("a certificate backs sell orders only");
  const green = p.side === "sell" ? p.certificate !== undefined : p.greenOnly === true;
  return program.methods
    .createOrder(
      sideArg(p.side),
      bn(p.clientOrderId),
      bn(p.amountWh),
      bn(p.limitPrice),
      bn(p.expiresAt),
      green,
    )
    .accountsStrict({
      owner: p.owner,
      market,
      oracle: p.oracle ?? oracleAddress(),
      order,
      vault: p.vault ?? vaultFor(p.side),
      ownerTokenAccount: p.ownerTokenAccount,
      tokenProgram: TOKEN_PROGRAM,
      systemProgram: SystemProgram.programId,
    })
    .remainingAccounts(p.certificate ? greenOrderAccounts(p.certificate) : [])
    .instruction();
}

/** What follows a green sell's fixed accounts in create_order, cancel_order and close_order. */
const greenOrderAccounts = (certificate: PublicKey) => [
  { pubkey: certificate, isSigner: false, isWritable: true },
  { pubkey: GOVERNANCE_ID, isSigner: false, isWritable: false },
];

/**
 * Where cancel_order and close_order pay out: the owner's GRID and THBC token accounts (each
 * checked only when something goes to it, so an owner with no THBC account can still cancel an
 * unfilled sell) and the market's fee destination (paid the fee a sell order owes).
 */
export interface PayoutAccounts {
  ownerGrid: PublicKey;
  ownerThbc: PublicKey;
  feeDestination: PublicKey;
  market?: PublicKey;
  gridVault?: PublicKey;
  thbcVault?: PublicKey;
  /** A green sell's certificate (the order's `certificate`): its lock is released. */
  certificate?: PublicKey;
}

const payoutAccounts = (p: PayoutAccounts) => ({
  market: p.market ?? marketAddress(),
  gridVault: p.gridVault ?? gridVaultAddress(),
  thbcVault: p.thbcVault ?? thbcVaultAddress(),
  ownerGrid: p.ownerGrid,
  ownerThbc: p.ownerThbc,
  feeDestination: p.feeDestination,
  tokenProgram: TOKEN_PROGRAM,
});

/** cancel_order, signed by the owner: everything the order holds goes to the owner, rent too. */
export function cancelOrderInstruction(
  program: Program<Trading>,
  p: { owner: PublicKey; order: PublicKey } & PayoutAccounts,
): Promise<TransactionInstruction> {
  return program.methods
    .cancelOrder()
    .accountsStrict({ owner: p.owner, order: p.order, ...payoutAccounts(p) })
    .remainingAccounts(p.certificate ? greenOrderAccounts(p.certificate) : [])
    .instruction();
}

/** close_order (anyone) for a filled or expired order: everything goes to the order's owner. */
export function closeOrderInstruction(
  program: Program<Trading>,
  p: { order: PublicKey; owner: PublicKey } & PayoutAccounts,
): Promise<TransactionInstruction> {
  return program.methods
    .closeOrder()
    .accountsStrict({ order: p.order, owner: p.owner, ...payoutAccounts(p) })
    .remainingAccounts(p.certificate ? greenOrderAccounts(p.certificate) : [])
    .instruction();
}

/** One fill of match_orders: the buy order, the sell order and the amount. */
export interface Fill {
  buyOrder: PublicKey;
  sellOrder: PublicKey;
  amountWh: bigint;
  /** The sell order's certificate when it is green: the fill hands the volume to the buyer. */
  sellCertificate?: PublicKey;
}

/** Accounts per fill in match_orders' remaining accounts (the IDL constant FILL_ACCOUNTS). */
export const FILL_ACCOUNTS = 2;

/** The fills argument: n little-endian u64 amounts. */
export function encodeFills(fills: readonly { amountWh: bigint }[]): Uint8Array {
  const out = new Uint8Array(8 * fills.length);
  const view = new DataView(out.buffer);
  fills.forEach((f, i) => view.setBigUint64(8 * i, f.amountWh, true));
  return out;
}

/**
 * match_orders: anyone may send it; each fill's two orders follow the market. The data is built
 * here (discriminator, borsh `bytes` of the amounts) rather than by Anchor's coder, whose `bytes`
 * encoder needs a Node Buffer that the browser does not have.
 */
export function matchOrdersInstruction(
  program: Program<Trading>,
  p: {
    fills: readonly Fill[];
    market?: PublicKey;
    /** Pays the rent of new buyer certificates; required when a fill is green. */
    payer?: PublicKey;
  },
): TransactionInstruction {
  const w = (pubkey: PublicKey) => ({ pubkey, isSigner: false, isWritable: true });
  const disc = program.idl.instructions.find((ix) => ix.name === "matchOrders")!.discriminator;
  const amounts = encodeFills(p.fills);
  const anyGreen = p.fills.some((f) => f.sellCertificate);
  if (anyGreen && !p.payer) throw new Error("a green fill needs a payer for the buyer's certificate");
  const greenTail =
    anyGreen && p.payer
      ? [
          { pubkey: p.payer, isSigner: true, isWritable: true },
          { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
          { pubkey: GOVERNANCE_ID, isSigner: false, isWritable: false },
        ]
      : [];
  const data = new Uint8Array(8 + 4 + amounts.length);
  data.set(disc, 0);
  new DataView(data.buffer).setUint32(8, amounts.length, true);
  data.set(amounts, 12);
  return new TransactionInstruction({
    programId: program.programId,
    keys: [
      { pubkey: p.market ?? marketAddress(), isSigner: false, isWritable: false },
      ...p.fills.flatMap((f) =>
        f.sellCertificate
          ? [
              w(f.buyOrder),
              w(f.sellOrder),
              w(f.sellCertificate),
              w(fillCertificateAddress(f.sellCertificate, f.buyOrder)),
            ]
          : [w(f.buyOrder), w(f.sellOrder)],
      ),
      ...greenTail,
    ],
    // web3.js serialises any Uint8Array here; its type says Buffer
    data: data as unknown as TransactionInstruction["data"],
  });
}
