/**
 * Several app instances may start at once against one PostgreSQL: their migrations must not
 * collide (advisory lock in migrateDb). Runs on a brand-new, unmigrated database: PostgreSQL when
 * TEST_POSTGRES_URL is set, else PGlite.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { openPglite, openPostgres, type DbHandle } from "./client";
import { migrateDb, migrationsFolder } from "./migrate";

const journal = JSON.parse(
  fs.readFileSync(path.join(migrationsFolder(), "meta/_journal.json"), "utf8"),
) as { entries: unknown[] };

async function freshDatabase(): Promise<{ handles: DbHandle[]; cleanup: () => Promise<void> }> {
  const serverUrl = process.env.TEST_POSTGRES_URL;
  if (!serverUrl) {
    console.info("[migrate.test] PGlite (in memory)");
    const h = openPglite();
    return { handles: [h, h, h], cleanup: () => h.close() };
  }
  const name = `gtx_t_${crypto.randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  console.info(`[migrate.test] PostgreSQL, fresh database ${name}`);
  // Three "instances", each with its own pool.
  const handles = [1, 2, 3].map(() => openPostgres(url.toString(), { max: 2 }));
  return {
    handles,
    async cleanup() {
      await Promise.all(handles.map((h) => h.close()));
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

describe("migrateDb", () => {
  it("applies every migration exactly once when instances start concurrently", async () => {
    const { handles, cleanup } = await freshDatabase();
    try {
      await Promise.all(handles.map((h) => migrateDb(h)));
      const first = handles[0]!;
      const rows = await first.db.execute(
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      // postgres-js returns an array of rows, PGlite `{ rows }`.
      const list = Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows;
      expect(Number((list[0] as { n: number | string }).n)).toBe(journal.entries.length);
    } finally {
      await cleanup();
    }
  });
});
