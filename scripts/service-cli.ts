/**
 * What the long-running chain scripts (`npm run chain`, `npm run thb-chain`) share: integer flags
 * that exit with a usage error, a clean stop on SIGINT / SIGTERM (the service writes its snapshot
 * and closes its log), and one way to report a failed start.
 */

/** An integer flag >= min, or undefined when absent; anything else ends the process (exit 2). */
export function intFlag(label: string, v: string | undefined, name: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) {
    console.error(`${label}: --${name} must be an integer >= ${min}`);
    process.exit(2);
  }
  return n;
}

/** On the first SIGINT or SIGTERM: `close()` (snapshot and stop), then exit 0, or 1 if it failed. */
export function closeOnSignals(label: string, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${label}: ${signal}, writing a snapshot and stopping`);
    close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(`${label}: close failed`, e);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

/** Runs `main`; a failure prints one line and exits 1. */
export function runService(label: string, main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    console.error(`${label}: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
