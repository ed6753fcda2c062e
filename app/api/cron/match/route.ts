/** POST/GET /api/cron/match — one matcher pass (server/market/matcher). Bearer CRON_SECRET. */
import { env } from "~/env.js";
import { ensureIndexerStarted } from "~/server/indexer/background";
import { handleMatchCron } from "~/server/market/matcher/cron-handler";
import { runMatcherNow } from "~/server/market/matcher/run";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handle = (request: Request) =>
  handleMatchCron(request, {
    secret: env.CRON_SECRET,
    run: () => {
      // The indexer mirrors the fills and closes the pass sends (and the orders it reads).
      void ensureIndexerStarted().catch(() => undefined);
      return runMatcherNow("cron");
    },
  });

export { handle as GET, handle as POST };
