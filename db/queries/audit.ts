/** The audit log: who did what to which target, append-only. */
import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "../client";
import { auditLog, type AuditLogEntry } from "../schema";

export interface AuditInput {
  actorId: string | null;
  actor: string;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
  at?: Date;
}

export async function writeAudit(db: Db, entry: AuditInput): Promise<AuditLogEntry> {
  const [row] = await db
    .insert(auditLog)
    .values({
      actorId: entry.actorId,
      actor: entry.actor,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      details: entry.details ?? {},
      ip: entry.ip ?? null,
      ...(entry.at ? { at: entry.at } : {}),
    })
    .returning();
  if (!row) throw new Error("writeAudit: no row returned");
  return row;
}

/** Newest first; `beforeId` pages backwards. */
export async function listAudit(
  db: Db,
  params: { limit: number; beforeId?: number; actorId?: string; action?: string },
): Promise<AuditLogEntry[]> {
  return db
    .select()
    .from(auditLog)
    .where(
      and(
        params.beforeId !== undefined ? lt(auditLog.id, params.beforeId) : undefined,
        params.actorId ? eq(auditLog.actorId, params.actorId) : undefined,
        params.action ? eq(auditLog.action, params.action) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(params.limit);
}
