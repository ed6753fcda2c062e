/**
 * Raw SQL results as an array of rows on both drivers (postgres-js returns a RowList, which is an
 * array; PGlite returns `{ rows }`).
 */
import type { SQL } from "drizzle-orm";
import type { Db } from "./client";

export async function rowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}
