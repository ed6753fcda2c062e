/**
 * What the browser hears live: one small notice per chain fact the indexer stored (a reading
 * confirmed, GRID minted, a meter or user changed, a new price). A notice says *which* data is
 * stale, not the data itself — the browser refetches through the normal queries, so the
 * database stays the one source of truth and a lost notice costs only freshness.
 *
 * The channels, who hears each and which of the browser's queries a notice makes stale come
 * from the program list (each program's handler file, server/indexer/handlers/<p>.ts): today
 * prices go to everyone; readings and mints to the meter's owner; meter and user changes to
 * their owner and to admins (the console lists them). The notice carries the stale query keys,
 * so the browser needs no table of its own.
 */
import { z } from "zod";
import {
  LIVE_CHANNEL_SPECS,
  LIVE_CHANNELS,
  type LiveChannel,
} from "~/server/chain/programs";
import type { EventBus } from "~/server/redis/event-bus";

export { LIVE_CHANNELS, type LiveChannel };

export const liveEventSchema = z.object({
  /** `live` marks (re)subscription: everything may be stale, refetch it all. */
  channel: z.enum(["live", ...LIVE_CHANNELS] as ["live", ...LiveChannel[]]),
  kind: z.string(),
  /** First parts of the query keys to refetch (tRPC router names or plain keys); `live`: all. */
  stale: z.array(z.string()),
  signature: z.string().nullable(),
  meterId: z.string().nullable(),
  amountWh: z.string().nullable(),
});
export type LiveEvent = z.infer<typeof liveEventSchema>;

export interface LiveViewer {
  wallet: string;
  admin: boolean;
}

// The indexer's payloads (server/indexer/indexer.ts); anything else on the bus is dropped.
const payloadSchema = z.object({
  signature: z.string().optional(),
  kind: z.string().optional(),
  owner: z.string().optional(),
  wallet: z.string().optional(),
  meterId: z.string().nullable().optional(),
  amountWh: z.string().optional(),
});

/** The notice `viewer` gets for `payload` on `channel`, or null when it is none of theirs. */
export function liveEventFor(
  channel: LiveChannel,
  payload: unknown,
  viewer: LiveViewer,
): LiveEvent | null {
  const p = payloadSchema.safeParse(payload);
  if (!p.success) return null;
  const { owner, wallet } = p.data;
  const mine = owner === viewer.wallet || wallet === viewer.wallet;
  const spec = LIVE_CHANNEL_SPECS[channel];
  const allowed =
    spec.audience === "everyone" ||
    (spec.audience === "owner" && mine) ||
    (spec.audience === "owner-or-admin" && (mine || viewer.admin));
  if (!allowed) return null;
  return {
    channel,
    stale: [...spec.stale],
    kind:
      p.data.kind ??
      (channel === "mints" ? "minted" : channel === "prices" ? "updated" : "changed"),
    signature: p.data.signature ?? null,
    meterId: p.data.meterId ?? null,
    amountWh: channel === "mints" ? (p.data.amountWh ?? null) : null,
  };
}

/**
 * The channels' payloads as they come; ends when every channel has ended, throws when one fails.
 * It never calls a source's `return()`: ending the subscriptions is the caller's (abort) job.
 */
async function* merge(subs: { channel: LiveChannel; sub: AsyncIterable<unknown> }[]) {
  const iterators = subs.map((s) => s.sub[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ i: number; r: IteratorResult<unknown> }>>();
  const pull = (i: number) =>
    pending.set(
      i,
      iterators[i]!.next().then((r) => ({ i, r })),
    );
  iterators.forEach((_, i) => pull(i));
  while (pending.size > 0) {
    const { i, r } = await Promise.race(pending.values());
    if (r.done) {
      pending.delete(i);
      continue;
    }
    pull(i);
    yield { channel: subs[i]!.channel, payload: r.value };
  }
}

/**
 * The viewer's notices until `signal` aborts or the consumer stops. Starts with a `live` notice
 * once every channel is listening (refetch now: nothing after it is missed). A subscriber that
 * falls too far behind is resubscribed, with a new `live` notice, instead of failing the stream.
 *
 * Not a bare generator: a generator waiting for the next notice cannot be stopped until one
 * arrives, so `return()` here first ends the bus subscriptions, which ends that wait.
 */
export function liveEvents(
  bus: EventBus,
  viewer: LiveViewer,
  signal?: AbortSignal,
): AsyncIterableIterator<LiveEvent> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (signal?.aborted) stop.abort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  const inner = generate(bus, viewer, stop.signal);
  return {
    next: () => inner.next(),
    return: async () => {
      stop.abort();
      signal?.removeEventListener("abort", onAbort);
      return inner.return(undefined);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

async function* generate(
  bus: EventBus,
  viewer: LiveViewer,
  signal: AbortSignal,
): AsyncGenerator<LiveEvent, undefined> {
  while (!signal.aborted) {
    // One round of subscriptions; aborting it ends every one of them, whichever way we leave.
    const round = new AbortController();
    const relay = () => round.abort();
    signal.addEventListener("abort", relay, { once: true });
    try {
      const subs = LIVE_CHANNELS.map((channel) => ({
        channel,
        sub: bus.subscribe(channel, round.signal),
      }));
      await Promise.all(subs.map((s) => s.sub.ready));
      yield {
        channel: "live",
        kind: "ready",
        stale: [],
        signature: null,
        meterId: null,
        amountWh: null,
      };
      for await (const { channel, payload } of merge(subs)) {
        const event = liveEventFor(channel, payload, viewer);
        if (event) yield event;
      }
      return undefined; // the signal ended every subscription
    } catch (err) {
      if ((err as { code?: string }).code !== "event_bus_overflow") throw err;
    } finally {
      round.abort();
      signal.removeEventListener("abort", relay);
    }
  }
  return undefined;
}
