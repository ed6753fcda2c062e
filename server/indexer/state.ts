/**
 * This process's indexer as health checks see it: whether it runs, how far it has indexed, and
 * how its catch-up passes went. Kept apart from background.ts so a status read does not load the
 * chain client. On globalThis: one value per process, whatever route bundle asks.
 */
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

const store = globalThis as unknown as { __gtxIndexerProbe?: IndexerProbe };

/** The indexer health reports on (background.ts sets it; tests set their own). */
export function processIndexer(): IndexerProbe | undefined {
  return store.__gtxIndexerProbe;
}

export function setProcessIndexer(probe: IndexerProbe | undefined): void {
  store.__gtxIndexerProbe = probe;
}

export function indexerState(): IndexerState {
  return processIndexer()?.status.state ?? "stopped";
}
