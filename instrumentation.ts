/**
 * Next.js start-up hook (runs once per server process, before the first request). It applies
 * pending database migrations and says, in one line each, which database the app uses and whether
 * Redis answers — and, when it does not, exactly what degrades. Then it starts the chain indexer
 * (INDEXER_AUTOSTART), retrying quietly until the chain answers.
 * @see https://nextjs.org/docs/app/guides/instrumentation
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ getDbHandle }, { checkRedisAtStartup }] = await Promise.all([
    import("~/db/client"),
    import("~/server/redis/client"),
  ]);
  try {
    const handle = await getDbHandle();
    console.info(`[db] ${handle.driver} ready (migrations applied)`);
  } catch (err) {
    // The app still starts so /api/trpc health can report the failure; requests that need the
    // database answer INTERNAL until it is reachable.
    console.error("[db] could not open or migrate the database:", err);
  }
  await checkRedisAtStartup();
  // The indexer feeds the database's chain mirror and the live updates: run it from the start
  // (not during `next build`, which also loads this file).
  const { env } = await import("~/env.js");
  if (env.INDEXER_AUTOSTART && process.env.NEXT_PHASE !== "phase-production-build") {
    const { startIndexerWithRetry } = await import("~/server/indexer/background");
    startIndexerWithRetry();
  }
}
