/**
 * The THB chain's HTTP API on node:http: JSON in and out, input checked with zod, errors as
 * `{ error: { code, message, details? } }` with a stable code (errors.ts) and its 4xx/5xx status.
 * A write is answered only once it is durable; a refused one changed nothing.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type z } from "zod";
import type { ThbChain } from "./chain";
import { isAddress } from "./encoding";
import { ThbChainError } from "./errors";
import {
  MAX_BLOCK_RANGE,
  accountTransfersQuerySchema,
  blocksQuerySchema,
  fundBodySchema,
  produceBodySchema,
  reorgBodySchema,
  transferBodySchema,
} from "./schema";

export const MAX_BODY_BYTES = 16 * 1024;
const JSON_MEDIA = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

export interface ThbChainServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new ThbChainError("INVALID_INPUT", issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; "), { issues });
  }
  return r.data;
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const type = req.headers["content-type"] ?? "";
  if (!JSON_MEDIA.test(type.trim())) throw new ThbChainError("UNSUPPORTED_MEDIA_TYPE", "send the body as application/json");
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new ThbChainError("PAYLOAD_TOO_LARGE", `the body may be at most ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_BODY_BYTES) throw new ThbChainError("PAYLOAD_TOO_LARGE", `the body may be at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ThbChainError("MALFORMED_JSON", "the body is not valid UTF-8");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ThbChainError("MALFORMED_JSON", total === 0 ? "the body is empty" : "the body is not well-formed JSON");
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": data.length, "cache-control": "no-store" });
  res.end(data);
}

function query(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams.entries());
}

function address(raw: string): string {
  const a = decodeURIComponent(raw);
  if (!isAddress(a)) throw new ThbChainError("INVALID_ADDRESS", "not a base58 32-byte address");
  return a;
}

type Handler = (req: http.IncomingMessage, url: URL, params: string[]) => Promise<[number, unknown]> | [number, unknown];

export function routes(chain: ThbChain): { method: string; pattern: RegExp; handler: Handler }[] {
  const knobs = () => {
    if (!chain.testKnobs) throw new ThbChainError("TEST_KNOBS_DISABLED", "this is a test knob: start the chain with --test-knobs (THB_CHAIN_TEST_KNOBS=1)");
  };
  return [
    {
      method: "GET",
      pattern: /^\/health$/,
      handler: () => {
        const broken = chain.broken;
        const tip = chain.tip();
        return [broken ? 503 : 200, { ok: !broken, chainId: tip.chainId, height: tip.height, error: broken?.message }];
      },
    },
    { method: "GET", pattern: /^\/tip$/, handler: () => [200, chain.tip()] },
    { method: "GET", pattern: /^\/accounts\/([^/]+)$/, handler: (_r, _u, [a]) => [200, chain.account(address(a!))] },
    {
      method: "GET",
      pattern: /^\/accounts\/([^/]+)\/transfers$/,
      handler: (_r, url, [a]) => {
        const addr = address(a!);
        const q = parse(accountTransfersQuerySchema, query(url));
        const tip = chain.tip();
        return [200, { address: addr, tip: tip.height, confirmationsRequired: tip.confirmationsRequired, ...chain.accountTransfers(addr, q) }];
      },
    },
    {
      method: "POST",
      pattern: /^\/fund$/,
      handler: async (req) => {
        const body = parse(fundBodySchema, await readJson(req));
        return [200, await chain.fund(body.address, body.amount)];
      },
    },
    {
      method: "POST",
      pattern: /^\/transfers$/,
      handler: async (req) => {
        const body = parse(transferBodySchema, await readJson(req));
        return [200, await chain.submitTransfer(body)];
      },
    },
    {
      method: "GET",
      pattern: /^\/transfers\/([^/]+)$/,
      handler: (_r, _u, [id]) => {
        const t = /^[0-9a-f]{64}$/.test(id!) ? chain.transfer(id!) : null;
        if (!t) throw new ThbChainError("TRANSFER_NOT_FOUND", "no transfer with this id (ids are 64 lower-case hex digits)");
        return [200, t];
      },
    },
    {
      method: "GET",
      pattern: /^\/blocks$/,
      handler: (_r, url) => {
        const q = parse(blocksQuerySchema, query(url));
        const tip = chain.tip().height;
        if (q.from !== undefined && q.to !== undefined && q.from > q.to) throw new ThbChainError("INVALID_INPUT", "from must be <= to");
        if (q.from !== undefined && q.to !== undefined && q.to - q.from + 1 > MAX_BLOCK_RANGE) {
          throw new ThbChainError("INVALID_INPUT", `at most ${MAX_BLOCK_RANGE} blocks per request`);
        }
        // Defaults: the last 10 blocks; from alone: up to 100 blocks from there; to alone: 10 up to it.
        const from = q.from ?? Math.max(0, (q.to ?? tip) - 9);
        const to = Math.min(tip, q.to ?? (q.from !== undefined ? q.from + MAX_BLOCK_RANGE - 1 : tip));
        return [200, { tip, blocks: chain.blocks(from, to) }];
      },
    },
    {
      method: "POST",
      pattern: /^\/admin\/reorg$/,
      handler: async (req) => {
        knobs();
        const body = parse(reorgBodySchema, await readJson(req));
        return [200, await chain.reorg(body.depth, { requeue: body.requeue })];
      },
    },
    {
      method: "POST",
      pattern: /^\/admin\/blocks$/,
      handler: async (req) => {
        knobs();
        const body = parse(produceBodySchema, await readJson(req));
        const blocks = [];
        for (let i = 0; i < body.count; i++) blocks.push(await chain.produceBlock());
        return [200, { tip: chain.tip().height, blocks: blocks.map((b) => ({ height: b.height, hash: b.hash, transfers: b.transfers.length })) }];
      },
    },
    {
      method: "POST",
      pattern: /^\/admin\/snapshot$/,
      handler: async () => {
        knobs();
        await chain.snapshot();
        return [200, { ok: true }];
      },
    },
  ];
}

export async function startThbChainServer(chain: ThbChain, opts: { port?: number; host?: string } = {}): Promise<ThbChainServer> {
  const table = routes(chain);
  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? "/", "http://thb-chain.local");
        let pathMatched = false;
        for (const r of table) {
          const m = r.pattern.exec(url.pathname);
          if (!m) continue;
          pathMatched = true;
          if (r.method !== req.method) continue;
          const [status, body] = await r.handler(req, url, m.slice(1));
          send(res, status, body);
          return;
        }
        if (pathMatched) throw new ThbChainError("METHOD_NOT_ALLOWED", `${req.method} is not allowed on ${url.pathname}`);
        throw new ThbChainError("NOT_FOUND", `no route ${req.method} ${url.pathname}`);
      } catch (e) {
        const err = e instanceof ThbChainError ? e : new ThbChainError("INTERNAL", e instanceof Error ? e.message : String(e));
        if (res.headersSent) {
          res.destroy();
          return;
        }
        send(res, err.status, { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
        // A body we refused to read is still arriving; drop the connection after answering.
        if (err.code === "PAYLOAD_TOO_LARGE") req.destroy();
      }
    })();
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 7070, opts.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
