/**
 * When each mint happened, for the mint history: the block time the indexer stored, or (for a
 * mint it heard live, before the chain reported the block time) the slot's time read from the
 * browser's RPC. Never the slot number: "slot 4389" means nothing to a person.
 */
import { formatDateTime } from "./units";

export interface MintTimeSource {
  id: number;
  slot: number;
  mintedAt: Date | null;
}

/** What is known of a slot's time: ms since the epoch, null (the chain has none), or not yet. */
export interface BlockTimeQuery {
  data?: number | null;
  isError: boolean;
}

export type MintTime = Date | "unknown" | "pending";

/** The slots whose time must still be asked of the RPC, each once. */
export function slotsNeedingTime(items: readonly MintTimeSource[]): number[] {
  return [...new Set(items.filter((m) => !m.mintedAt).map((m) => m.slot))];
}

export function mintTimes(
  items: readonly MintTimeSource[],
  bySlot: ReadonlyMap<number, BlockTimeQuery | undefined>,
): Map<number, MintTime> {
  const out = new Map<number, MintTime>();
  for (const m of items) {
    if (m.mintedAt) {
      out.set(m.id, m.mintedAt);
      continue;
    }
    const q = bySlot.get(m.slot);
    if (typeof q?.data === "number") out.set(m.id, new Date(q.data));
    else if (q?.isError || q?.data === null) out.set(m.id, "unknown");
    else out.set(m.id, "pending");
  }
  return out;
}

/** The line under a mint: its date and time, or why there is none yet. */
export function mintTimeText(t: MintTime | undefined): string {
  if (t instanceof Date) return formatDateTime(t);
  return t === "unknown" ? "Time not known yet" : "…";
}
