/**
 * For tests: an event bus in its production (Upstash) mode. Apart from test-support.ts because it
 * loads the app's Redis client module, which reads the environment when first imported.
 */
import { randomUUID } from "node:crypto";
import { createRedisClient } from "./client";
import { createEventBus, type EventBus, type EventBusOptions } from "./event-bus";
import { recordingOutage, TEST_TOKEN } from "./test-support";

/**
 * An event bus in its production (Upstash) mode through the REST endpoint at `url`, in a channel
 * namespace of its own so parallel tests never hear each other; short reconnect delays.
 */
export function createTestEventBus(url: string, extra: Partial<EventBusOptions> = {}): EventBus {
  return createEventBus({
    restUrl: url,
    token: TEST_TOKEN,
    redis: createRedisClient({ url, token: TEST_TOKEN }),
    namespace: `t-bus-${randomUUID()}:`,
    outage: recordingOutage(url).outage,
    reconnectMinMs: 50,
    reconnectMaxMs: 200,
    retryRedisAfterMs: 100,
    ...extra,
  });
}
