/**
 * `npm run db:migrate`: applies db/migrations to the configured database (DATABASE_URL, else
 * PGlite in PGLITE_DIR) and exits. The app also migrates on first use; this is for deploys that
 * migrate before starting instances. Do not run it against a PGlite dir a running app holds open.
 */
import { openConfiguredDb } from "./client";
import { migrateDb } from "./migrate";

const handle = openConfiguredDb();
try {
  await migrateDb(handle);
  console.info(
    `migrations applied (${handle.driver}${handle.driver === "pglite" ? ` in ${handle.location}` : ""})`,
  );
} finally {
  await handle.close();
}
