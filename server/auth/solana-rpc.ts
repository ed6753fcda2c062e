/**
 * A minimal JSON-RPC call to the Solana node, for the two things the server needs without opening
 * the chain handle (web3.js Connection, operator key, Programs): the genesis hash (sign-in) and the
 * current slot (health). Failures become AppError CHAIN_UNAVAILABLE so callers answer 503, not 500.
 */
import { AppError } from "~/server/errors";

export async function solanaRpc<T>(
  url: string,
  method: string,
  params: unknown[] = [],
  timeoutMs = 3_000,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new AppError("CHAIN_UNAVAILABLE", `Solana RPC ${url} unreachable (${method})`, {
      cause: err,
    });
  }
  if (!res.ok) {
    throw new AppError("CHAIN_UNAVAILABLE", `Solana RPC ${method} answered HTTP ${res.status}`);
  }
  const body = (await res.json().catch(() => null)) as
    | { result?: T; error?: { message?: string } }
    | null;
  if (!body || body.error || body.result === undefined) {
    throw new AppError(
      "CHAIN_UNAVAILABLE",
      `Solana RPC ${method} failed: ${body?.error?.message ?? "no result"}`,
    );
  }
  return body.result;
}
