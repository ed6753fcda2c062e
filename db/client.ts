/**
 * Database connections. Two drivers, one `Db` type:
 * - embedded PGlite (default) with its data in PGLITE_DIR, kept across restarts;
 * - PostgreSQL through `postgres` (postgres-js) when DATABASE_URL is set.
 * Both return drizzle's PgDatabase, so every query in db/queries/* runs unchanged on either.
 *
 * `getDb()` opens the configured database once per process (cached on globalThis so Next's HMR
 * does not open a second PGlite on the same directory, which PGlite forbids) and applies the
 * migrations before the first query.
 */
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { env } from "~/env.js";
import { dropProcessSingleton, processSingleton } from "~/lib/process-singleton";
import { migrateDb } from "./migrate";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The common base of both drivers' databases (and of their transactions). */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type DbDriver = "pglite" | "postgres";

export interface DbHandle {
  db: Db;
  driver: DbDriver;
  /** postgres: the connection URL; pglite: the data dir, or null in memory. */
  location: string | null;
  close(): Promise<void>;
}

/** PGlite in `dataDir`, or in memory when omitted. One process per data dir. */
export function openPglite(dataDir?: string): DbHandle {
  if (dataDir) fs.mkdirSync(path.resolve(dataDir), { recursive: true });
  const client = dataDir ? new PGlite(path.resolve(dataDir)) : new PGlite();
  const db = drizzlePglite({ client, schema });
  return {
    db,
    driver: "pglite",
    location: dataDir ?? null,
    close: () => client.close(),
  };
}

export function openPostgres(url: string, options: { max?: number } = {}): DbHandle {
  const client = postgres(url, {
    max: options.max ?? 10,
    // NOTICEs (e.g. "schema already exists" from the migrator) are noise in logs.
    onnotice: () => undefined,
  });
  const db = drizzlePostgres({ client, schema });
  return {
    db,
    driver: "postgres",
    location: url,
    close: () => client.end({ timeout: 5 }),
  };
}

/** Opens the database named by the environment (DATABASE_URL, else PGlite in PGLITE_DIR). */
export function openConfiguredDb(): DbHandle {
  return env.DATABASE_URL ? openPostgres(env.DATABASE_URL) : openPglite(env.PGLITE_DIR);
}

/** The process-wide, migrated database handle. */
export function getDbHandle(): Promise<DbHandle> {
  return processSingleton("db", "", () =>
    (async () => {
      const handle = openConfiguredDb();
      try {
        await migrateDb(handle);
        return handle;
      } catch (err) {
        await handle.close().catch(() => undefined);
        throw err;
      }
    })().catch((err: unknown) => {
      // Let the next request try again (e.g. PostgreSQL was still starting).
      dropProcessSingleton("db");
      throw err;
    }),
  );
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}
