/**
 * The shapes of one entry of the program list (programs.ts): what the indexer, the live updates
 * and the bootstrap need to know about an on-chain program. Types only, so the per-program files
 * (server/indexer/handlers/<p>.ts) and the list can import them without a cycle.
 */
import type { Idl, IdlEvents } from "@coral-xyz/anchor";
import type { Db } from "~/db/client";

/** The database handle inside the indexer's transaction. */
export type IndexerTx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** The transaction an event came from. */
export interface ChainTx {
  signature: string;
  slot: number;
  blockTime: number | null;
  logs: readonly string[];
}

/**
 * Who hears a live notice on a channel: everyone; only the wallet named in the payload (`owner`
 * or `wallet`); or that wallet and admins (the console lists such rows).
 */
export type LiveAudience = "everyone" | "owner" | "owner-or-admin";

export interface LiveChannelSpec {
  audience: LiveAudience;
  /**
   * The browser's queries a notice makes stale, by the first part of their query key: a tRPC
   * router name ("meters" covers every meters.* query) or a plain key ("wallet-balances").
   */
  stale: readonly string[];
}

export type LiveChannelSpecs = Record<string, LiveChannelSpec>;

/** What a handler asks to announce after its database transaction commits. */
export interface IndexerNote<C extends string = string> {
  channel: C;
  payload: Record<string, unknown>;
}

/**
 * One program's indexer handlers, keyed by its IDL event names (camelCase, as Anchor's
 * EventParser names them) and typed from the IDL. An event without a handler is not cached.
 */
export type EventHandlers<I extends Idl, C extends string> = {
  [E in keyof IdlEvents<I>]?: (
    db: IndexerTx,
    event: IdlEvents<I>[E],
    tx: ChainTx,
  ) => Promise<IndexerNote<C>[] | void>;
};

export interface ProgramIndexer<I extends Idl, C extends LiveChannelSpecs> {
  /** The live channels this program's handlers publish on. */
  channels: C;
  handlers: EventHandlers<I, Extract<keyof C, string>>;
}

/** Typed constructor (inference for the handler map from the IDL and the channel table). */
export function defineIndexer<I extends Idl, C extends LiveChannelSpecs = Record<never, never>>(
  channels: C,
  handlers: EventHandlers<I, Extract<keyof C, string>>,
): ProgramIndexer<I, C> {
  return { channels, handlers };
}
