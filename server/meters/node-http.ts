/**
 * The gateway on a bare node:http server, without Next: the HTTP-level tests and the benchmark's
 * "raw handler" run use it to drive exactly the functions the App Router routes call. Requests
 * are converted to fetch `Request`s (the body stays a stream, so the size cap still applies while
 * reading) and `Response`s written back.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { MeterGateway } from "./gateway";

export interface GatewayHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface GatewayHttpServerOptions {
  gateway: Pick<MeterGateway, "submit" | "submitBatch">;
  port?: number;
  host?: string;
  /** Keep the client's X-Forwarded-For (as behind a proxy); otherwise it is set to the peer address. */
  trustForwardedFor?: boolean;
}

/**
 * The request body as a web stream that reads only as fast as it is consumed and stops reading
 * when cancelled (Node 20's Readable.toWeb keeps enqueueing after a cancel and throws).
 */
function bodyStream(req: http.IncomingMessage): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.pause();
      req.on("data", (chunk: Buffer) => {
        if (cancelled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once("end", () => {
        if (!cancelled) controller.close();
      });
      req.once("error", (err) => {
        if (!cancelled) controller.error(err);
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      cancelled = true;
      req.pause();
    },
  });
}

export function toWebRequest(
  req: http.IncomingMessage,
  origin: string,
  trustForwardedFor: boolean,
): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  if (!trustForwardedFor) headers.set("x-forwarded-for", req.socket.remoteAddress ?? "unknown");
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: hasBody ? bodyStream(req) : undefined,
    // Node's fetch needs this for a streamed request body.
    duplex: "half",
  } as RequestInit);
}

export async function writeWebResponse(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  response: Response,
): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => (headers[k] = v));
  headers["content-length"] = String(body.length);
  // Answered before the body ended (e.g. 413): close the connection rather than drain the rest.
  const unread = !req.complete;
  if (unread) headers.connection = "close";
  res.writeHead(response.status, headers);
  res.end(body, () => {
    if (unread) req.socket.destroySoon();
  });
}

export function startGatewayHttpServer(
  options: GatewayHttpServerOptions,
): Promise<GatewayHttpServer> {
  const host = options.host ?? "127.0.0.1";
  const server = http.createServer((req, res) => {
    const origin = `http://${host}`;
    const path = (req.url ?? "/").split("?")[0];
    const route =
      path === "/api/meters/submit"
        ? options.gateway.submit
        : path === "/api/meters/submit-batch"
          ? options.gateway.submitBatch
          : null;
    const answer: Promise<Response> = !route
      ? Promise.resolve(
          Response.json(
            { error: { code: "NOT_FOUND", message: "No such route." } },
            { status: 404 },
          ),
        )
      : req.method !== "POST"
        ? Promise.resolve(new Response(null, { status: 405, headers: { allow: "POST" } }))
        : route(toWebRequest(req, origin, options.trustForwardedFor ?? false));
    answer
      .then((response) => writeWebResponse(req, res, response))
      .catch((err: unknown) => {
        console.error("[gateway http] failed:", err);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
