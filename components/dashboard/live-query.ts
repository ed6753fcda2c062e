/**
 * Panels fed by queries that refresh live (polls, and the live-updates stream invalidating them
 * after every reading and mint). Once a panel has shown data it keeps showing it: while a refetch
 * runs, when a refetch fails (an error line, not an empty card), and while a new key loads (the
 * chart's 48 h / 30 days switch keeps the old bars until the new ones arrive). A chart that went
 * blank after a mint until the page was reloaded (issue 20, bug 4) is what this prevents.
 */
import { keepPreviousData } from "@tanstack/react-query";

/** Spread into useQuery's options: the previous key's data stands in while a new key loads. */
export const KEEP_DATA_WHILE_REFRESHING = { placeholderData: keepPreviousData } as const;

export type LiveView = "loading" | "error" | "empty" | "data";

/**
 * What a panel shows for a query's state: its data whenever it has some (even if the last
 * refetch failed), loading only before the first answer, the error only when nothing was read.
 */
export function liveView(query: {
  data: readonly unknown[] | undefined;
  isError: boolean;
}): LiveView {
  if (query.data !== undefined) return query.data.length === 0 ? "empty" : "data";
  return query.isError ? "error" : "loading";
}
