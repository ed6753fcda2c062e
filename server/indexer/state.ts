/**
 * This process's indexer as health checks see it: whether it runs, how far it has indexed, and
 * how its catch-up passes went. Kept apart from background.ts so a status read does not load the
 * chain client. One value per process (lib/process-singleton.ts), whatever route bundle asks.
 */
import { processSingleton } from "~/lib/process-singleton";

export type IndexerState = "stopped" | "starting" | "running";

/** Written by the indexer (server/indexer/indexer.ts) as it works; read by health.status. */
export interface IndexerStatus {
  state: IndexerState;
  /**
   * The chain's confirmed slot when the last successful catch-up pass began: everything up to it
   * is in the database (null before the first successful pass).
   */
  indexedSlot: number | null;
  /** When the last catch-up pass completed without error, ms since the epoch. */
  lastSuccessAt: number | null;
  /** The newest failure (a catch-up pass, a start, or a live notification), with its time in ms. */
  lastError: { message: string; at: number } | null;
  /** Catch-up passes (including those of start attempts) that failed in a row; 0 after a success. */
  consecutiveFailures: number;
}

export function newIndexerStatus(): IndexerStatus {
  return { state: "stopped", indexedSlot: null, lastSuccessAt: null, lastError: null, consecutiveFailures: 0 };
}

/** What health needs from the running indexer: its status and the slot of the chain it indexes. */
export interface IndexerProbe {
  readonly status: IndexerStatus;
  /** The indexed chain's current confirmed slot. */
  chainSlot(): Promise<number>;
}

const slot = () =>
  processSingleton("indexerProbe", "", () => ({ probe: undefined as IndexerProbe | undefined }));

/** The indexer health reports on (background.ts sets it; tests set their own). */
export function processIndexer(): IndexerProbe | undefined {
  return slot().probe;
}

export function setProcessIndexer(probe: IndexerProbe | undefined): void {
  slot().probe = probe;
}

export function indexerState(): IndexerState {
  return processIndexer()?.status.state ?? "stopped";
}
