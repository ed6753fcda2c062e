/**
 * Whether this process's indexer runs, for health checks. Kept apart from background.ts so a
 * status read does not load the chain client. On globalThis: one value per process, whatever
 * route bundle asks.
 */
export type IndexerState = "stopped" | "starting" | "running";

const store = globalThis as unknown as { __gtxIndexerState?: IndexerState };

export function indexerState(): IndexerState {
  return store.__gtxIndexerState ?? "stopped";
}

export function setIndexerState(state: IndexerState): void {
  store.__gtxIndexerState = state;
}
