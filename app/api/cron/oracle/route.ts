/** POST/GET /api/cron/oracle — one oracle feeder pass (server/oracle-feeder). Bearer CRON_SECRET. */
import { env } from "~/env.js";
import { handleCron } from "~/server/poller/cron-handler";
import { runOracleFeedNow } from "~/server/oracle-feeder/run";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handle = (request: Request) =>
  handleCron(request, {
    name: "oracle",
    secret: env.CRON_SECRET,
    failure: "ORACLE_FEED_FAILED",
    run: async () => ({ summary: await runOracleFeedNow() }),
  });

export { handle as GET, handle as POST };
