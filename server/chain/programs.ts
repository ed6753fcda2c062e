/**
 * THE list of on-chain programs the app works with. Everything on the TypeScript side that is
 * per program is driven from here: the Connection's Anchor `Program`s (server/solana/connection.ts),
 * what the indexer follows and how it applies each event (server/indexer/), the live-update
 * channels and who hears them (server/api/live-events.ts, and through the notices the browser),
 * and what `npm run chain:bootstrap` sets up (server/solana/bootstrap.ts).
 *
 * Adding a program: its folder, IDL and keypair under programs/, its Anchor.toml lines, one
 * entry here and its handler file in server/indexer/handlers/ (see programs/README.md).
 * The order is the bootstrap order.
 */
import type { Idl } from "@coral-xyz/anchor";
import type { PublicKey } from "@solana/web3.js";
import { COUNTER_ID } from "~/programs/counter/client";
import { counterIdl } from "~/programs/counter/idl/counter";
import { energyTokenIdl } from "~/programs/energy_token/idl/energy_token";
import { GOVERNANCE_ID } from "~/programs/governance/client";
import { governanceIdl } from "~/programs/governance/idl/governance";
import { ORACLE_ID } from "~/programs/oracle/client";
import { oracleIdl } from "~/programs/oracle/idl/oracle";
import { REGISTRY_ID } from "~/programs/registry/client";
import { ENERGY_TOKEN_ID } from "~/programs/energy_token/client";
import { registryIdl } from "~/programs/registry/idl/registry";
import { THB_BRIDGE_ID } from "~/programs/thb_bridge/client";
import { thbBridgeIdl } from "~/programs/thb_bridge/idl/thb_bridge";
import { TRADING_ID } from "~/programs/trading/client";
import { tradingIdl } from "~/programs/trading/idl/trading";
import { counterIndexer } from "~/server/indexer/handlers/counter";
import { energyTokenIndexer } from "~/server/indexer/handlers/energy-token";
import { governanceIndexer } from "~/server/indexer/handlers/governance";
import { oracleIndexer } from "~/server/indexer/handlers/oracle";
import { registryIndexer } from "~/server/indexer/handlers/registry";
import { thbBridgeIndexer } from "~/server/indexer/handlers/thb-bridge";
import { tradingIndexer } from "~/server/indexer/handlers/trading";
import {
  bootstrapEnergyToken,
  bootstrapGovernance,
  bootstrapOracle,
  bootstrapRegistry,
  bootstrapThbBridge,
  bootstrapTrading,
  type BootstrapStep,
} from "~/server/solana/bootstrap-steps";
import type { LiveChannelSpecs, ProgramIndexer } from "./types";

export interface ChainProgramEntry<I extends Idl = Idl, C extends LiveChannelSpecs = LiveChannelSpecs> {
  /** The program's name in Anchor.toml and its IDL; also the indexer's cursor key. */
  name: string;
  /** From the program's client (programs/<p>/client.ts), which builds its instructions. */
  id: PublicKey;
  idl: I;
  indexer: ProgramIndexer<I, C>;
  /** Idempotent set-up run by chain:bootstrap; absent when the program needs none. */
  bootstrap?: BootstrapStep;
}

function entry<I extends Idl, C extends LiveChannelSpecs>(e: ChainProgramEntry<I, C>) {
  return e;
}

export const CHAIN_PROGRAMS = {
  registry: entry({
    name: "registry",
    id: REGISTRY_ID,
    idl: registryIdl,
    indexer: registryIndexer,
    bootstrap: bootstrapRegistry,
  }),
  energyToken: entry({
    name: "energy_token",
    id: ENERGY_TOKEN_ID,
    idl: energyTokenIdl,
    indexer: energyTokenIndexer,
    bootstrap: bootstrapEnergyToken,
  }),
  oracle: entry({
    name: "oracle",
    id: ORACLE_ID,
    idl: oracleIdl,
    indexer: oracleIndexer,
    bootstrap: bootstrapOracle,
  }),
  thbBridge: entry({
    name: "thb_bridge",
    id: THB_BRIDGE_ID,
    idl: thbBridgeIdl,
    indexer: thbBridgeIndexer,
    bootstrap: bootstrapThbBridge,
  }),
  // After the bridge: the market settles in the bridge's THBC.
  trading: entry({
    name: "trading",
    id: TRADING_ID,
    idl: tradingIdl,
    indexer: tradingIndexer,
    bootstrap: bootstrapTrading,
  }),
  // After Trading: certificates lock for Trading's green orders and proposals execute through
  // Trading's set_market_params; issue_erc CPIs into the Registry.
  governance: entry({
    name: "governance",
    id: GOVERNANCE_ID,
    idl: governanceIdl,
    indexer: governanceIndexer,
    bootstrap: bootstrapGovernance,
  }),
  counter: entry({ name: "counter", id: COUNTER_ID, idl: counterIdl, indexer: counterIndexer }),
};

export type ChainProgramKey = keyof typeof CHAIN_PROGRAMS;
export type ChainProgramIdl<K extends ChainProgramKey> = (typeof CHAIN_PROGRAMS)[K]["idl"];

/** The entries in list order, with their key (the `programs.<key>` of a ServerChain). */
export const chainProgramEntries = (): [ChainProgramKey, ChainProgramEntry][] =>
  Object.entries(CHAIN_PROGRAMS) as unknown as [ChainProgramKey, ChainProgramEntry][];

type ChannelsOf<K extends ChainProgramKey> = (typeof CHAIN_PROGRAMS)[K]["indexer"]["channels"];

/** Every live channel any program publishes on. */
export type LiveChannel = { [K in ChainProgramKey]: Extract<keyof ChannelsOf<K>, string> }[ChainProgramKey];

/** The live channels with their specs, from every entry (a channel name belongs to one program). */
export const LIVE_CHANNEL_SPECS = Object.fromEntries(
  chainProgramEntries().flatMap(([, e]) => Object.entries(e.indexer.channels)),
) as Record<LiveChannel, LiveChannelSpecs[string]>;

export const LIVE_CHANNELS = Object.keys(LIVE_CHANNEL_SPECS) as LiveChannel[];
