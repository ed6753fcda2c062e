/**
 * Client for the Oracle program: its PDA and the instructions the bootstrap, the admin tools and
 * the tests send. Browser-safe (no Node modules; `Program` is a type import only), like
 * programs/registry/client.ts.
 */
import type { Program } from "@coral-xyz/anchor";
import BN from "bn.js";
import { PublicKey, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import { ORACLE_PROGRAM_ID, type Oracle } from "./idl/oracle";

export const ORACLE_ID = new PublicKey(ORACLE_PROGRAM_ID);

/** The Oracle PDA ["oracle"]: limits, feeders and the latest reference price. */
export const oracleAddress = () =>
  PublicKey.findProgramAddressSync([new TextEncoder().encode("oracle")], ORACLE_ID)[0];

/** Price limits, THBC base units per kWh (6 decimals) and seconds / basis points. */
export interface OracleLimits {
  minPrice: bigint;
  maxPrice: bigint;
  maxStalenessSecs: number;
  minUpdateIntervalSecs: number;
  maxJumpBps: number;
}

/** The limits as Anchor's coder takes them (u64 as BN). */
export const oracleLimitsArg = (l: OracleLimits) => ({
  minPrice: new BN(l.minPrice.toString()),
  maxPrice: new BN(l.maxPrice.toString()),
  maxStalenessSecs: l.maxStalenessSecs,
  minUpdateIntervalSecs: l.minUpdateIntervalSecs,
  maxJumpBps: l.maxJumpBps,
});

/**
 * oracle.initialize: `deployer` (the build-time DEPLOY_AUTHORITY) signs, `payer` pays, and
 * `authority` becomes the oracle authority. `oracle` defaults to the PDA (tests pass others).
 */
export function oracleInitializeInstruction(
  program: Program<Oracle>,
  params: {
    payer: PublicKey;
    deployer: PublicKey;
    authority: PublicKey;
    limits: OracleLimits;
    oracle?: PublicKey;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .initialize(params.authority, oracleLimitsArg(params.limits))
    .accountsStrict({
      payer: params.payer,
      deployer: params.deployer,
      oracle: params.oracle ?? oracleAddress(),
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/** add_feeder, signed by the oracle authority. */
export function addFeederInstruction(
  program: Program<Oracle>,
  params: { authority: PublicKey; feeder: PublicKey; oracle?: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .addFeeder(params.feeder)
    .accountsStrict({ authority: params.authority, oracle: params.oracle ?? oracleAddress() })
    .instruction();
}

/** update_price (retail and feed-in, THBC base units per kWh), signed by an authorised feeder. */
export function updatePriceInstruction(
  program: Program<Oracle>,
  params: { feeder: PublicKey; retail: bigint; feedIn: bigint; oracle?: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .updatePrice(new BN(params.retail.toString()), new BN(params.feedIn.toString()))
    .accountsStrict({ feeder: params.feeder, oracle: params.oracle ?? oracleAddress() })
    .instruction();
}

/** remove_feeder, signed by the oracle authority. */
export function removeFeederInstruction(
  program: Program<Oracle>,
  params: { authority: PublicKey; feeder: PublicKey; oracle?: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .removeFeeder(params.feeder)
    .accountsStrict({ authority: params.authority, oracle: params.oracle ?? oracleAddress() })
    .instruction();
}

/** set_limits, signed by the oracle authority. */
export function setLimitsInstruction(
  program: Program<Oracle>,
  params: { authority: PublicKey; limits: OracleLimits; oracle?: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .setLimits(oracleLimitsArg(params.limits))
    .accountsStrict({ authority: params.authority, oracle: params.oracle ?? oracleAddress() })
    .instruction();
}

/** transfer_authority: the authority proposes `newAuthority`, who must accept. */
export function transferAuthorityInstruction(
  program: Program<Oracle>,
  params: { authority: PublicKey; newAuthority: PublicKey; oracle?: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .transferAuthority(params.newAuthority)
    .accountsStrict({ authority: params.authority, oracle: params.oracle ?? oracleAddress() })
    .instruction();
}

/** accept_authority, signed by the proposed authority. */
export function acceptAuthorityInstruction(
  program: Program<Oracle>,
  params: { newAuthority: PublicKey; oracle?: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .acceptAuthority()
    .accountsStrict({ newAuthority: params.newAuthority, oracle: params.oracle ?? oracleAddress() })
    .instruction();
}

/** get_price (return data: the last price, stale or not) or, `fresh`, get_fresh_price. */
export function getPriceInstruction(
  program: Program<Oracle>,
  params: { fresh?: boolean; oracle?: PublicKey } = {},
): Promise<TransactionInstruction> {
  const oracle = params.oracle ?? oracleAddress();
  const method = params.fresh ? program.methods.getFreshPrice() : program.methods.getPrice();
  return method.accountsStrict({ oracle }).instruction();
}
