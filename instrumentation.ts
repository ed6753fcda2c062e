/**
 * Next.js start-up hook (runs once per server process, before the first request). It applies
 * pending database migrations and says, in one line each, which database the app uses and whether
 * Redis answers — and, when it does not, exactly what degrades.
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
}
