/**
 * The app's entry point around the matcher: the cron route (/api/cron/match), the dev runner's
 * timer (through that route) and the admin console's *Run now* call `runMatcherNow()`. One pass at
 * a time per process (a second caller gets the running one's result) on one matcher instance per
 * process (its first pass reads every Order account on chain); several processes are safe by
 * design (the lease, and the chain refuses overfills).
 */
import { getDb } from "~/db/client";
import { dropProcessSingleton, processSingleton } from "~/lib/process-singleton";
import { getServerChain } from "~/server/solana/server-chain";
import { createMatcher, type MatcherPassSummary } from "./matcher";

export function runMatcherNow(trigger = "cron"): Promise<MatcherPassSummary> {
  return processSingleton("matcherRun", "", () =>
    (async () => {
      const chain = getServerChain();
      const db = await getDb();
      const matcher = processSingleton("matcher", "", () =>
        createMatcher({
          db,
          connection: chain.connection,
          programs: chain.programs,
          operator: chain.operator,
          log: (line) => console.error(line),
        }),
      );
      return matcher.runPass(trigger);
    })().finally(() => dropProcessSingleton("matcherRun")),
  );
}
