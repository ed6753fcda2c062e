/**
 * Applies the committed SQL migrations (db/migrations, written by `drizzle-kit generate`).
 * Called by getDb() before first use and by db/testing.ts; idempotent.
 *
 * On PostgreSQL several app instances may start at once, so the migration runs on one dedicated
 * connection holding a session advisory lock: the others wait, then find nothing left to apply.
 * PGlite is single-process: concurrent calls in this process are simply run one after another.
 */
import path from "node:path";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { DbHandle } from "./client";

/** Arbitrary constant naming our advisory lock ("gtx" + "mig"). */
const MIGRATION_LOCK_KEY = String(0x677478_6d6967);

const pgliteMigrations = new WeakMap<object, Promise<void>>();

export function migrationsFolder(): string {
  // Relative to the project root: the app and the tests run from it, and next.config.mjs traces
  // this folder into standalone builds.
  return path.resolve(process.cwd(), "db/migrations");
}

export async function migrateDb(handle: Pick<DbHandle, "db" | "driver" | "location">) {
  const folder = migrationsFolder();
  if (handle.driver === "pglite") {
    // One PGlite per process, but callers may still race: chain them per database instance.
    const previous = pgliteMigrations.get(handle.db) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(() =>
        // Both drizzle drivers extend PgDatabase; the PGlite migrator only needs its session.
        migratePglite(handle.db as unknown as PgliteDatabase<Record<string, never>>, {
          migrationsFolder: folder,
        }),
      );
    pgliteMigrations.set(handle.db, run);
    await run;
    return;
  }
  if (!handle.location) throw new Error("migrateDb: a PostgreSQL handle needs its URL");
  const sql = postgres(handle.location, { max: 1, onnotice: () => undefined });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY}::bigint)`;
    try {
      await migratePostgres(drizzlePostgres({ client: sql }), { migrationsFolder: folder });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY}::bigint)`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
