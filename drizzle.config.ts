/**
 * drizzle-kit reads the schema and writes SQL migrations into db/migrations/ (committed).
 * `npm run db:generate` after every schema change; the app and the tests apply them at start
 * through db/migrate.ts, never with `push`.
 * @see https://orm.drizzle.team/docs/drizzle-config-file
 */
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema.ts",
  out: "./db/migrations",
  strict: true,
  verbose: true,
});
