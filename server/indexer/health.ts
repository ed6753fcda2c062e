/**
 * How far behind the chain this process's indexer is, and whether that is ok, a warning or an
 * error. health.status reports it (and the admin console shows it).
 *
 *  - lag in slots: the indexed chain's confirmed slot now − the confirmed slot at which the last
 *    successful catch-up pass began (everything up to it is in the database);
 *  - lag in seconds: the time since the last successful pass (passes run every 2 s and after
 *    live notifications, so a healthy indexer stays under a few seconds);
 *  - the last error (message and time), the catch-up passes that failed in a row, and the open
 *    dead letters (transactions it skipped; see failures.ts).
 */
import type { Db } from "~/db/client";
import { countOpenDeadLetters } from "~/db/queries/indexer-dead-letters";
import { processIndexer, type IndexerProbe, type IndexerState, type IndexerStatus } from "./state";

/**
 * Lag above these turns health amber (warn). 40 slots ≈ 16 s at mainnet's 400 ms slots; passes
 * every 2 s keep a healthy indexer under 20 slots even on the 100 ms slots of the e2e chain.
 */
export const INDEXER_WARN_LAG_SLOTS = 40;
export const INDEXER_WARN_LAG_SECONDS = 15;
/** Lag above these turns health red (error). 150 slots ≈ 60 s at 400 ms slots. */
export const INDEXER_ERROR_LAG_SLOTS = 150;
export const INDEXER_ERROR_LAG_SECONDS = 60;
/** This many failed passes in a row is an error (one or more is a warning). */
export const INDEXER_ERROR_FAILED_PASSES = 3;
/** How long health waits for the chain's slot. */
const CHAIN_SLOT_TIMEOUT_MS = 1_500;

export type HealthLevel = "ok" | "warn" | "error";

export interface IndexerHealth {
  level: HealthLevel;
  state: IndexerState;
  /** The indexed chain's confirmed slot now (null: it did not answer). */
  chainSlot: number | null;
  /** The newest slot everything up to which is indexed. */
  indexedSlot: number | null;
  lagSlots: number | null;
  lagSeconds: number | null;
  lastSuccessAt: Date | null;
  /** `message` is null unless the caller may see it (admins). */
  lastError: { message: string | null; at: Date } | null;
  consecutiveFailures: number;
  /** null: the database did not answer. */
  openDeadLetters: number | null;
  /** Why the level is not ok, one short line each. */
  reasons: string[];
}

/** Pure: the level and reasons for one status at one moment. */
export function assessIndexer(input: {
  status: IndexerStatus | undefined;
  chainSlot: number | null;
  openDeadLetters: number | null;
  now: number;
  showErrorMessage?: boolean;
}): IndexerHealth {
  const { status, chainSlot, openDeadLetters, now } = input;
  const state = status?.state ?? "stopped";
  const indexedSlot = status?.indexedSlot ?? null;
  const lastSuccessAt = status?.lastSuccessAt ?? null;
  const failures = status?.consecutiveFailures ?? 0;
  const lagSlots = chainSlot !== null && indexedSlot !== null ? Math.max(0, chainSlot - indexedSlot) : null;
  const lagSeconds = lastSuccessAt !== null ? Math.max(0, Math.round((now - lastSuccessAt) / 100) / 10) : null;

  const errors: string[] = [];
  const warnings: string[] = [];
  if (state === "stopped") errors.push("not running");
  if (state === "starting") warnings.push("starting");
  if (failures >= INDEXER_ERROR_FAILED_PASSES) errors.push(`${failures} passes failed in a row`);
  else if (failures > 0) warnings.push(`${failures} pass${failures === 1 ? "" : "es"} failed in a row`);
  if (lagSlots !== null) {
    if (lagSlots > INDEXER_ERROR_LAG_SLOTS) errors.push(`${lagSlots} slots behind (> ${INDEXER_ERROR_LAG_SLOTS})`);
    else if (lagSlots > INDEXER_WARN_LAG_SLOTS) warnings.push(`${lagSlots} slots behind (> ${INDEXER_WARN_LAG_SLOTS})`);
  } else if (state === "running") {
    warnings.push("lag in slots unknown (the chain did not answer)");
  }
  if (lagSeconds !== null) {
    if (lagSeconds > INDEXER_ERROR_LAG_SECONDS)
      errors.push(`${lagSeconds} s since the last successful pass (> ${INDEXER_ERROR_LAG_SECONDS} s)`);
    else if (lagSeconds > INDEXER_WARN_LAG_SECONDS)
      warnings.push(`${lagSeconds} s since the last successful pass (> ${INDEXER_WARN_LAG_SECONDS} s)`);
  }
  if (openDeadLetters !== null && openDeadLetters > 0)
    warnings.push(`${openDeadLetters} open dead letter${openDeadLetters === 1 ? "" : "s"}`);

  const level: HealthLevel = errors.length ? "error" : warnings.length ? "warn" : "ok";
  return {
    level,
    state,
    chainSlot,
    indexedSlot,
    lagSlots,
    lagSeconds,
    lastSuccessAt: lastSuccessAt !== null ? new Date(lastSuccessAt) : null,
    lastError: status?.lastError
      ? { message: input.showErrorMessage ? status.lastError.message : null, at: new Date(status.lastError.at) }
      : null,
    consecutiveFailures: failures,
    openDeadLetters,
    reasons: [...errors, ...warnings],
  };
}

async function slotOf(probe: IndexerProbe | undefined): Promise<number | null> {
  if (!probe) return null;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      probe.chainSlot(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("timeout")), CHAIN_SLOT_TIMEOUT_MS);
      }),
    ]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** This process's indexer, assessed now. Never throws. */
export async function readIndexerHealth(db: Db, options: { showErrorMessage?: boolean } = {}): Promise<IndexerHealth> {
  const probe = processIndexer();
  const [chainSlot, openDeadLetters] = await Promise.all([
    slotOf(probe),
    countOpenDeadLetters(db).catch(() => null),
  ]);
  return assessIndexer({ status: probe?.status, chainSlot, openDeadLetters, now: Date.now(), ...options });
}
