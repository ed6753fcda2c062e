/**
 * The process-wide gateway behind the App Router routes: the configured database, the shared
 * rate limiter, limits from the environment. Kept on globalThis so dev reloads and several route
 * bundles share one meter cache and one group-commit writer.
 */
import { getDb, type Db } from "~/db/client";
import { dropProcessSingleton, processSingleton } from "~/lib/process-singleton";
import { AppError, appErrorResponse } from "~/server/errors";
import { rateLimit } from "~/server/redis/rate-limit";
import { coalesceLimits } from "./coalesce";
import { gatewayConfigFromEnv } from "./config";
import { createMeterGateway, type MeterGateway, type MeterGatewayDeps } from "./gateway";

/** The production wiring: env limits, the shared Redis limiter with checks coalesced per turn. */
export function buildMeterGateway(db: Db, overrides: Partial<MeterGatewayDeps> = {}): MeterGateway {
  return createMeterGateway({
    db,
    config: gatewayConfigFromEnv(),
    rateLimit: coalesceLimits(rateLimit),
    ...overrides,
  });
}

function getMeterGateway(): Promise<MeterGateway> {
  // One per process; a failed database open is forgotten so the next request tries again.
  return processSingleton("meterGateway", "", () =>
    getDb()
      .then((db) => buildMeterGateway(db))
      .catch((err: unknown) => {
        dropProcessSingleton("meterGateway");
        throw err;
      }),
  );
}

async function withGateway(run: (gw: MeterGateway) => Promise<Response>): Promise<Response> {
  let gw: MeterGateway;
  try {
    gw = await getMeterGateway();
  } catch (err) {
    console.error("[meter gateway] database unavailable:", err);
    return appErrorResponse(new AppError("STORE_UNAVAILABLE"));
  }
  return run(gw);
}

export const handleSubmit = (request: Request) => withGateway((gw) => gw.submit(request));
export const handleSubmitBatch = (request: Request) => withGateway((gw) => gw.submitBatch(request));
