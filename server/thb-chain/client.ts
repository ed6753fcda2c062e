/**
 * A typed fetch client for the THB chain's HTTP API, and the helper that builds and signs a
 * transfer from a keypair (node:crypto Ed25519; a web3.js `Keypair` or a Solana CLI key file's 64
 * bytes work as they are). Server-side only (Node): the bridge service watches its deposit address
 * with `accountTransfers(address, { since, direction: "in" })` and pays withdrawals with `send`.
 *
 * Amounts are bigint base units (0.000001 THB) here and decimal strings on the wire.
 */
import bs58 from "bs58";
import { transferId, transferMessage } from "./encoding";
import { keypairFromSecretKey, signBytes } from "./keys";
import type { AccountView, BlockView, ReorgResult, TransferView } from "./state";
import type { TipView } from "./chain";

export type { AccountView, BlockView, ReorgResult, TransferStatus, TransferView } from "./state";
export type { TipView } from "./chain";

export const DEFAULT_THB_CHAIN_URL = "http://127.0.0.1:7070";

/** A refusal from the chain (`code` is one of errors.ts's codes) or a failed request (`NETWORK`). */
export class ThbChainRequestError extends Error {
  override readonly name = "ThbChainRequestError";
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** The JSON body of POST /transfers. */
export interface SignedTransferBody {
  from: string;
  to: string;
  amount: string;
  memo: string;
  nonce: number;
  signature: string;
}

export interface TransferDraft {
  to: string;
  /** base units (0.000001 THB) */
  amount: bigint;
  memo?: string;
  nonce: number;
}

/** Anything with a 64-byte Solana-layout secret key (or a 32-byte seed): ThbKeypair, web3.js Keypair. */
export interface SecretKeyHolder {
  secretKey: Uint8Array;
}

/** Builds and signs a transfer for `chainId`; `id` is the id the chain will give it. */
export function signTransfer(keypair: SecretKeyHolder, chainId: string, draft: TransferDraft): { id: string; body: SignedTransferBody } {
  const kp = keypairFromSecretKey(keypair.secretKey);
  const fields = { from: kp.address, to: draft.to, amount: draft.amount, memo: draft.memo ?? "", nonce: draft.nonce };
  const signature = bs58.encode(signBytes(kp.secretKey, transferMessage(chainId, fields)));
  return {
    id: transferId(chainId, fields),
    body: { ...fields, amount: fields.amount.toString(), signature },
  };
}

export interface AccountTransfersQuery {
  /** transfers in blocks at this height or above (mempool ones always come too) */
  since?: number;
  direction?: "in" | "out" | "all";
  limit?: number;
  includeDropped?: boolean;
}

export class ThbChainClient {
  private chainIdCache: string | null = null;

  constructor(
    readonly baseUrl: string = process.env.THB_CHAIN_URL ?? DEFAULT_THB_CHAIN_URL,
    private readonly opts: { timeoutMs?: number } = {},
  ) {}

  private async request<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? undefined : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
    } catch (e) {
      throw new ThbChainRequestError("NETWORK", `THB chain at ${this.baseUrl} did not answer: ${e instanceof Error ? e.message : String(e)}`, 0);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ThbChainRequestError("BAD_RESPONSE", `THB chain answered ${res.status} with a body that is not JSON`, res.status);
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string; details?: Record<string, unknown> } }).error;
      throw new ThbChainRequestError(err?.code ?? "BAD_RESPONSE", err?.message ?? `HTTP ${res.status}`, res.status, err?.details);
    }
    return json as T;
  }

  health(): Promise<{ ok: boolean; chainId: string; height: number }> {
    return this.request("GET", "/health");
  }

  tip(): Promise<TipView> {
    return this.request("GET", "/tip");
  }

  async chainId(): Promise<string> {
    this.chainIdCache ??= (await this.tip()).chainId;
    return this.chainIdCache;
  }

  account(address: string): Promise<AccountView> {
    return this.request("GET", `/accounts/${encodeURIComponent(address)}`);
  }

  /** The local faucet (simulator only). */
  fund(address: string, amount: bigint): Promise<TransferView> {
    return this.request("POST", "/fund", { address, amount: amount.toString() });
  }

  /**
   * Submits a signed transfer; resolves once it is durable. With `idempotent`, a transfer the
   * chain already has (DUPLICATE_TRANSFER) resolves with its current state instead of failing.
   */
  async submitTransfer(body: SignedTransferBody, opts: { idempotent?: boolean } = {}): Promise<TransferView> {
    try {
      return await this.request<TransferView>("POST", "/transfers", body);
    } catch (e) {
      if (opts.idempotent && e instanceof ThbChainRequestError && e.code === "DUPLICATE_TRANSFER" && typeof e.details?.id === "string") {
        const t = await this.transfer(e.details.id);
        if (t) return t;
      }
      throw e;
    }
  }

  /** Signs with the account's next nonce (unless given) and submits. One sender at a time per key. */
  async send(keypair: SecretKeyHolder, draft: Omit<TransferDraft, "nonce"> & { nonce?: number }): Promise<TransferView> {
    const from = keypairFromSecretKey(keypair.secretKey).address;
    const nonce = draft.nonce ?? (await this.account(from)).nonce;
    const { body } = signTransfer(keypair, await this.chainId(), { ...draft, nonce });
    return this.submitTransfer(body);
  }

  /** The transfer, or null when the chain does not know the id. */
  async transfer(id: string): Promise<TransferView | null> {
    try {
      return await this.request<TransferView>("GET", `/transfers/${encodeURIComponent(id)}`);
    } catch (e) {
      if (e instanceof ThbChainRequestError && e.code === "TRANSFER_NOT_FOUND") return null;
      throw e;
    }
  }

  accountTransfers(
    address: string,
    q: AccountTransfersQuery = {},
  ): Promise<{ address: string; tip: number; confirmationsRequired: number; transfers: TransferView[]; truncated: boolean }> {
    const p = new URLSearchParams();
    if (q.since !== undefined) p.set("since", String(q.since));
    if (q.direction) p.set("direction", q.direction);
    if (q.limit !== undefined) p.set("limit", String(q.limit));
    if (q.includeDropped) p.set("includeDropped", "true");
    const qs = p.toString();
    return this.request("GET", `/accounts/${encodeURIComponent(address)}/transfers${qs ? `?${qs}` : ""}`);
  }

  blocks(range: { from?: number; to?: number } = {}): Promise<{ tip: number; blocks: BlockView[] }> {
    const p = new URLSearchParams();
    if (range.from !== undefined) p.set("from", String(range.from));
    if (range.to !== undefined) p.set("to", String(range.to));
    const qs = p.toString();
    return this.request("GET", `/blocks${qs ? `?${qs}` : ""}`);
  }

  /** Test knob: drop the last `depth` unconfirmed blocks. */
  reorg(depth: number, opts: { requeue?: boolean } = {}): Promise<ReorgResult & { tip: number }> {
    return this.request("POST", "/admin/reorg", { depth, requeue: opts.requeue ?? false });
  }

  /** Test knob: seal `count` blocks now. */
  produceBlocks(count = 1): Promise<{ tip: number; blocks: { height: number; hash: string; transfers: number }[] }> {
    return this.request("POST", "/admin/blocks", { count });
  }

  /** Test knob: write a snapshot now. */
  snapshot(): Promise<{ ok: boolean }> {
    return this.request("POST", "/admin/snapshot", {});
  }

  /** Polls a transfer until `until` holds (default: confirmed or dropped). */
  async waitForTransfer(
    id: string,
    until: (t: TransferView) => boolean = (t) => t.status !== "pending",
    opts: { timeoutMs?: number; intervalMs?: number } = {},
  ): Promise<TransferView> {
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    for (;;) {
      const t = await this.transfer(id);
      if (t && until(t)) return t;
      if (Date.now() > deadline) throw new ThbChainRequestError("TIMEOUT", `transfer ${id} did not reach the expected state in time`, 0, { last: t });
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
    }
  }
}
