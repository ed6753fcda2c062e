/**
 * Real databases for tests (never a mock). `createTestDb()`:
 * - when TEST_POSTGRES_URL is set (vitest's global setup sets it when PostgreSQL answers), creates
 *   a fresh, uniquely named database on that server (`gtx_t_<random>`), migrates it, and drops it
 *   on close(), so test files running in parallel never see each other's rows;
 * - otherwise (or with `{ driver: "pglite" }`), an in-memory PGlite, migrated.
 */
import crypto from "node:crypto";
import postgres from "postgres";
import { openPglite, openPostgres, type Db, type DbDriver } from "./client";
import { migrateDb } from "./migrate";

export interface TestDb {
  db: Db;
  driver: DbDriver;
  /** The PostgreSQL URL of the test database; null for PGlite. */
  url: string | null;
  close(): Promise<void>;
}

function announce(what: string) {
  console.info(`[createTestDb] using ${what}`);
}

export async function createTestDb(options: { driver?: DbDriver } = {}): Promise<TestDb> {
  const serverUrl = process.env.TEST_POSTGRES_URL;
  const driver: DbDriver = options.driver ?? (serverUrl ? "postgres" : "pglite");

  if (driver === "pglite") {
    announce("PGlite (in memory)");
    const handle = openPglite();
    await migrateDb(handle);
    return { db: handle.db, driver, url: null, close: () => handle.close() };
  }

  if (!serverUrl) throw new Error("createTestDb: driver postgres needs TEST_POSTGRES_URL");
  const name = `gtx_t_${crypto.randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  announce(`PostgreSQL ${serverUrl}, fresh database ${name}`);

  const handle = openPostgres(url.toString(), { max: 5 });
  try {
    await migrateDb(handle);
  } catch (err) {
    await handle.close();
    await dropDatabase(serverUrl, name);
    throw err;
  }
  return {
    db: handle.db,
    driver,
    url: url.toString(),
    close: async () => {
      await handle.close();
      await dropDatabase(serverUrl, name);
    },
  };
}

async function dropDatabase(serverUrl: string, name: string) {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}
