/**
 * live.events: a tRPC subscription (server-sent events through httpSubscriptionLink) of the
 * signed-in user's notices — see server/api/live-events.ts for what they carry and who gets which.
 */
import { eventBus } from "~/server/redis/event-bus";
import { liveEvents } from "../live-events";
import { createTRPCRouter, signedInProcedure } from "../trpc";

export const liveRouter = createTRPCRouter({
  // The signal aborts when the browser disconnects; that ends the bus subscriptions.
  events: signedInProcedure.subscription(({ ctx, signal }) =>
    liveEvents(
      ctx.eventBus ?? eventBus,
      { wallet: ctx.session.wallet, admin: ctx.session.role === "admin" },
      signal,
    ),
  ),
});
