/**
 * The app's root router. Add each domain router here.
 * `createCaller` runs procedures in-process (server components, tests).
 */
import { adminRouter } from "./routers/admin";
import { authRouter } from "./routers/auth";
import { bridgeRouter } from "./routers/bridge";
import { bridgeAdminRouter } from "./routers/bridge-admin";
import { healthRouter } from "./routers/health";
import { liveRouter } from "./routers/live";
import { marketRouter } from "./routers/market";
import { matcherAdminRouter } from "./routers/matcher-admin";
import { metersRouter } from "./routers/meters";
import { ordersRouter } from "./routers/orders";
import { thbDevRouter } from "./routers/thb-dev";
import { usersRouter } from "./routers/users";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  health: healthRouter,
  users: usersRouter,
  meters: metersRouter,
  market: marketRouter,
  orders: ordersRouter,
  bridge: bridgeRouter,
  thbDev: thbDevRouter,
  bridgeAdmin: bridgeAdminRouter,
  matcherAdmin: matcherAdminRouter,
  admin: adminRouter,
  live: liveRouter,
});

export type AppRouter = typeof appRouter;

/** @example const caller = createCaller(await createTRPCContext({ headers })); */
export const createCaller = createCallerFactory(appRouter);
