/**
 * The meter gateway: POST /api/meters/submit (one reading) and POST /api/meters/submit-batch
 * (up to `batchMax`, answered item by item). The route handlers are one line each; everything is
 * here so tests and the benchmark drive the same code with a plain `Request`.
 *
 * Checks, cheapest first; a refused reading is never stored:
 *   1. per client IP rate limit (meter:ip), before the body is read            429 RATE_LIMITED
 *   2. media type application/json, no content encoding                         415 UNSUPPORTED_MEDIA_TYPE
 *   3. body size: Content-Length, then the stream counted as it arrives         413 PAYLOAD_TOO_LARGE
 *   4. strict UTF-8 and well-formed JSON                                        400 MALFORMED_JSON
 *   5. shape (zod): fields, integer ranges, meter id, key/signature encodings   400 VALIDATION_FAILED
 *      (batch: the envelope first — `readings` 1..batchMax, else                413 BATCH_TOO_LARGE)
 *   6. timestamp window against server time: ahead by > maxFutureSecs           422 READING_CLOCK_SKEW
 *                                            older than maxAgeSecs               422 READING_STALE
 *   7. Ed25519 signature over the canonical 78 bytes, with the given public_key  401 READING_BAD_SIGNATURE
 *   8. the meter (cached ≤ meterCacheTtlMs): registered                          404 METER_UNKNOWN
 *                                            active                              403 METER_INACTIVE
 *                                            public_key is its registered key    403 METER_KEY_MISMATCH
 *   9. per meter rate limit (meter:submit), once per request per meter           429 RATE_LIMITED
 *  10. in the write transaction, under the meter's row lock: 8 again (authoritative), then
 *      same (meter, timestamp) already stored: same amounts                      200 duplicate: true
 *                                              other amounts                     409 READING_CONFLICT
 *      timestamp ≤ the meter's newest accepted reading                           409 READING_NOT_NEWER
 *      production > floor(rated_capacity_w × elapsed / 3600)                     422 READING_OVER_CAPACITY
 *      (elapsed since the previous reading; 3600 s for a meter's first, as in the Registry program)
 *  11. INSERT (state pending, minted false) and COMMIT; only then                201 stored
 *      (the database failing instead                                             503 STORE_UNAVAILABLE)
 */
import type { Db } from "~/db/client";
import { getGatewayMeters, type GatewayMeter } from "~/db/queries/meters";
import type { ReadingToStore } from "~/db/queries/readings";
import { APP_ERROR_CODES, type AppErrorCode } from "~/lib/app-error-codes";
import { AppError, appErrorResponse } from "~/server/errors";
import { clientIp } from "~/server/http/client-ip";
import type { RateLimitResult } from "~/server/redis/rate-limit";
import type { GatewayConfig } from "./config";
import { MeterCache } from "./meter-cache";
import { readJsonBody } from "./read-body";
import { ReadingWriter } from "./reading-writer";
import {
  batchEnvelopeSchema,
  describeIssues,
  isoSeconds,
  labelOf,
  parseSubmission,
  type ParsedSubmission,
} from "./schema";
import { verifyReadingSignature } from "./verify-signature";

export type MeterRateLimitPolicy = "meter:ip" | "meter:submit";

export interface MeterGatewayDeps {
  db: Db;
  config: GatewayConfig;
  /** Normally server/redis/rate-limit.ts `rateLimit`. */
  rateLimit: (policy: MeterRateLimitPolicy, identifier: string) => Promise<RateLimitResult>;
  /** Server time, ms (tests move it). */
  now?: () => number;
  /** Group-commit settings; see reading-writer.ts. */
  writer?: { maxConcurrent: number; maxGroup: number };
}

/** One reading's answer: a stored row, or a refusal with its code. */
export type ItemResult =
  | {
      status: 200 | 201;
      id: number;
      meter_id: string;
      timestamp: number;
      reading_at: string;
      duplicate: boolean;
      /**
       * On 201: the first reading after activation (0 Wh); a delayed reading a newer one already
       * covers (0 Wh, never sent to the chain); and the interval's energy in Wh.
       */
      baseline?: boolean;
      covered?: boolean;
      production_wh?: string;
      consumption_wh?: string;
    }
  | {
      status: number;
      error: { code: AppErrorCode; message: string };
      meter_id?: string;
      timestamp?: number;
      /** Seconds, for 429. */
      retry_after?: number;
    };

function refusal(
  code: AppErrorCode,
  message: string = APP_ERROR_CODES[code].meaning,
  label: { meter_id?: string; timestamp?: number } = {},
): ItemResult {
  return { status: APP_ERROR_CODES[code].httpStatus, error: { code, message }, ...label };
}

const retryAfterSecs = (r: RateLimitResult, nowMs: number) =>
  Math.max(1, Math.ceil((r.resetAt - nowMs) / 1000));

export function createMeterGateway(deps: MeterGatewayDeps) {
  const { db, config } = deps;
  const now = deps.now ?? Date.now;
  const cache = new MeterCache(
    (meterIds) => getGatewayMeters(db, { meterIds }),
    config.meterCacheTtlMs,
    config.meterCacheMax,
    now,
  );
  const writer = new ReadingWriter(db, deps.writer ?? { maxConcurrent: 2, maxGroup: 1_000 });

  /** Steps 5–11 for a list of raw items; results in the same order. */
  async function processItems(raws: unknown[]): Promise<ItemResult[]> {
    const results: (ItemResult | undefined)[] = new Array<ItemResult | undefined>(raws.length);
    const nowSecs = Math.floor(now() / 1000);

    // 5–6: shape and timestamp window (no crypto, no I/O).
    const parsed: { i: number; r: ParsedSubmission }[] = [];
    raws.forEach((raw, i) => {
      const p = parseSubmission(raw);
      if (!p.ok) {
        results[i] = refusal("VALIDATION_FAILED", p.message, labelOf(raw));
        return;
      }
      const r = p.value;
      const label = { meter_id: r.meterId, timestamp: r.timestamp };
      if (r.timestamp > nowSecs + config.maxFutureSecs) {
        results[i] = refusal(
          "READING_CLOCK_SKEW",
          `timestamp is ${r.timestamp - nowSecs} s ahead of server time (at most ${config.maxFutureSecs} s)`,
          label,
        );
      } else if (r.timestamp < nowSecs - config.maxAgeSecs) {
        results[i] = refusal(
          "READING_STALE",
          `timestamp is ${nowSecs - r.timestamp} s old (at most ${config.maxAgeSecs} s)`,
          label,
        );
      } else parsed.push({ i, r });
    });

    // 7: signatures, in parallel on the thread pool.
    const verified = await Promise.all(
      parsed.map(({ r }) =>
        verifyReadingSignature(
          {
            meterId: r.meterId,
            productionRegisterWh: r.productionRegisterWh,
            consumptionRegisterWh: r.consumptionRegisterWh,
            timestamp: r.timestamp,
          },
          r.signature,
          r.publicKey,
        ),
      ),
    );
    const signed: { i: number; r: ParsedSubmission; key: string }[] = [];
    parsed.forEach((p, k) => {
      if (verified[k]) signed.push({ ...p, key: p.r.publicKeyBase58 });
      else
        results[p.i] = refusal("READING_BAD_SIGNATURE", undefined, {
          meter_id: p.r.meterId,
          timestamp: p.r.timestamp,
        });
    });

    // 8: the meter, from the cache.
    let meters = new Map<string, GatewayMeter | null>();
    if (signed.length > 0) {
      try {
        meters = await cache.getMany(signed.map((s) => s.r.meterId));
      } catch (err) {
        console.error("[meter gateway] reading meters failed:", err);
        throw new AppError("STORE_UNAVAILABLE", undefined, { cause: err });
      }
    }
    const known: typeof signed = [];
    for (const s of signed) {
      const m = meters.get(s.r.meterId);
      const label = { meter_id: s.r.meterId, timestamp: s.r.timestamp };
      if (!m) results[s.i] = refusal("METER_UNKNOWN", undefined, label);
      else if (m.status !== "active")
        results[s.i] = refusal("METER_INACTIVE", `the meter is ${m.status}`, label);
      else if (m.publicKey !== s.key)
        results[s.i] = refusal("METER_KEY_MISMATCH", undefined, label);
      else known.push(s);
    }

    // 9: per meter rate limit, once per meter per request, after authentication so nobody else
    // can spend a meter's allowance.
    const meterIds = [...new Set(known.map((s) => s.r.meterId))];
    const limits = new Map(
      await Promise.all(
        meterIds.map(async (id) => [id, await deps.rateLimit("meter:submit", id)] as const),
      ),
    );
    const toStore: typeof known = [];
    for (const s of known) {
      const l = limits.get(s.r.meterId)!;
      if (l.ok) toStore.push(s);
      else
        results[s.i] = {
          ...refusal("RATE_LIMITED", "too many requests for this meter", {
            meter_id: s.r.meterId,
            timestamp: s.r.timestamp,
          }),
          retry_after: retryAfterSecs(l, now()),
        };
    }

    // 10–11: the write transaction.
    const outcomes = await writer.write(
      toStore.map(({ r, key }): ReadingToStore => ({
        meterId: r.meterId,
        productionRegisterWh: r.productionRegisterWh,
        consumptionRegisterWh: r.consumptionRegisterWh,
        timestamp: r.timestamp,
        signature: r.signatureBase58,
        publicKey: key,
      })),
    );
    toStore.forEach(({ i, r }, k) => {
      const o = outcomes[k]!;
      const label = { meter_id: r.meterId, timestamp: r.timestamp };
      switch (o.kind) {
        case "stored":
          results[i] = {
            status: 201,
            id: o.id,
            ...label,
            reading_at: isoSeconds(r.timestamp),
            duplicate: false,
            baseline: o.baseline,
            covered: o.covered,
            production_wh: o.productionWh.toString(),
            consumption_wh: o.consumptionWh.toString(),
          };
          break;
        case "duplicate":
          results[i] = {
            status: 200,
            id: o.id,
            ...label,
            reading_at: isoSeconds(r.timestamp),
            duplicate: true,
          };
          break;
        case "refused":
          // The locked row disagreed with the cache: forget the cached meter.
          if (o.code.startsWith("METER_")) cache.invalidate(r.meterId);
          results[i] = refusal(o.code, undefined, label);
          break;
        case "lost_race":
        case "failed":
          results[i] = refusal("STORE_UNAVAILABLE", undefined, label);
          break;
      }
    });
    return results.map((r) => r ?? refusal("INTERNAL"));
  }

  /** Step 1, then reads the body (2–4). Throws AppError. */
  async function admit(request: Request, maxBytes: number): Promise<unknown> {
    const l = await deps.rateLimit("meter:ip", clientIp(request.headers));
    if (!l.ok) {
      throw new AppError("RATE_LIMITED", "too many requests from this address", {
        details: { retryAfter: retryAfterSecs(l, now()) },
      });
    }
    return readJsonBody(request, maxBytes);
  }

  function errorResponse(err: unknown): Response {
    if (err instanceof AppError) {
      const retryAfter = err.details?.retryAfter;
      return appErrorResponse(
        err,
        typeof retryAfter === "number" ? { "retry-after": String(retryAfter) } : undefined,
      );
    }
    console.error("[meter gateway] unexpected error:", err);
    return appErrorResponse(new AppError("INTERNAL"));
  }

  return {
    /** POST /api/meters/submit */
    async submit(request: Request): Promise<Response> {
      try {
        const body = await admit(request, config.maxSubmitBytes);
        const [result] = await processItems([body]);
        if (!result) throw new Error("no result");
        if ("error" in result) {
          const headers = result.retry_after
            ? { "retry-after": String(result.retry_after) }
            : undefined;
          return Response.json({ error: result.error }, { status: result.status, headers });
        }
        const { status, ...reading } = result;
        return Response.json({ reading }, { status });
      } catch (err) {
        return errorResponse(err);
      }
    },

    /** POST /api/meters/submit-batch: 207 with one result per reading, in request order. */
    async submitBatch(request: Request): Promise<Response> {
      try {
        const body = await admit(request, config.maxBatchBytes);
        // The count first: an oversize batch is refused whole before any item is looked at.
        const readings = (body as { readings?: unknown } | null)?.readings;
        if (Array.isArray(readings) && readings.length > config.batchMax) {
          throw new AppError(
            "BATCH_TOO_LARGE",
            `a batch holds at most ${config.batchMax} readings, got ${readings.length}`,
          );
        }
        const envelope = batchEnvelopeSchema.safeParse(body);
        if (!envelope.success)
          throw new AppError("VALIDATION_FAILED", describeIssues(envelope.error));
        const results = await processItems(envelope.data.readings);
        let stored = 0;
        let duplicates = 0;
        for (const r of results) {
          if (r.status === 201) stored++;
          else if (r.status === 200) duplicates++;
        }
        return Response.json(
          {
            stored,
            duplicates,
            rejected: results.length - stored - duplicates,
            results: results.map((r, index) => ({ index, ...r })),
          },
          { status: 207 },
        );
      } catch (err) {
        return errorResponse(err);
      }
    },

    /** For the benchmark's report. */
    writerStats: writer.stats,
  };
}

export type MeterGateway = ReturnType<typeof createMeterGateway>;
