/**
 * Entry points around runMintPoller for the app: the cron route, the admin console's "run now"
 * button and the dev runner's timer all call `runMintPollerNow()`. One run at a time per process
 * (a second caller gets the running one's result); several processes are safe by design.
 */
import { getDb } from "~/db/client";
import { dropProcessSingleton, processSingleton } from "~/lib/process-singleton";
import { getServerChain } from "~/server/solana/server-chain";
import { runMintPoller, type MintPollerSummary } from "./mint-poller";

export function runMintPollerNow(): Promise<MintPollerSummary> {
  // Shared by every route bundle in the process, so two callers never run the poller at once.
  return processSingleton("mintRun", "", () =>
    (async () => {
      const chain = getServerChain();
      return runMintPoller({
        db: await getDb(),
        connection: chain.connection,
        operator: chain.operator,
        programs: chain.programs,
        log: (line) => console.error(line),
      });
    })().finally(() => dropProcessSingleton("mintRun")),
  );
}

/** Constant-time check of `Authorization: Bearer <secret>`. */
export function bearerMatches(header: string | null, secret: string): boolean {
  if (!header?.startsWith("Bearer ")) return false;
  const given = Buffer.from(header.slice(7));
  const want = Buffer.from(secret);
  if (given.length !== want.length) return false;
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff |= given[i]! ^ want[i]!;
  return diff === 0;
}
