/**
 * Development only: each signed-in user's **local THB account** on the THB-chain simulator, so
 * the Wallet page can deposit and withdraw without a bank. The account's key is derived by the
 * server, deterministically per wallet (HMAC-SHA256 of the server's secret, a domain string and
 * the wallet), and never leaves it: `deposit` signs the THB transfer to the bridge's deposit
 * address (memo = the user's wallet) on the user's behalf; `fund` is the simulator's faucet.
 *
 * Every procedure refuses with THB_CHAIN_NOT_CONFIGURED when no simulator is configured
 * (`THB_CHAIN_URL` unset), and on mainnet-beta: a real THB chain is a bank, and nobody holds a
 * user's bank key. THB_CHAIN_UNAVAILABLE when the simulator does not answer.
 */
import crypto from "node:crypto";
import { z } from "zod";
import { env } from "~/env.js";
import { baseUnitsSchema, formatThbAmount, isThbAddress } from "~/lib/thb-amounts";
import { bridgeAddress } from "~/programs/thb_bridge/client";
import { AppError } from "~/server/errors";
import { ThbChainClient, ThbChainRequestError, type TransferView } from "~/server/thb-chain/client";
import { keypairFromSecretKey, type ThbKeypair } from "~/server/thb-chain/keys";
import { createTRPCRouter, signedInProcedure } from "../trpc";
import { chainFailure } from "./chain-errors";

const DEV_ACCOUNT_DOMAIN = "GTX-THB-DEV-ACCOUNT/v1\0";
/** The most one faucet call credits: 1,000,000 THB. */
export const THB_FAUCET_MAX = 1_000_000n * 1_000_000n;

/**
 * The user's local THB keypair: seed = HMAC-SHA256(HMAC-SHA256(secret, domain), wallet). The
 * same server secret and wallet always give the same account; another wallet, another account.
 */
export function devThbKeypair(secret: Uint8Array, wallet: string): ThbKeypair {
  const key = crypto.createHmac("sha256", secret).update(DEV_ACCOUNT_DOMAIN).digest();
  const seed = crypto.createHmac("sha256", key).update(wallet, "utf8").digest();
  return keypairFromSecretKey(new Uint8Array(seed));
}

/** Read per call (not at import), so a test or the dev runner can point it at its simulator. */
export function thbDevSettings(): { url: string | null; depositAddress: string | null } {
  const set = (v: string | undefined) => (v?.trim() ? v.trim() : null);
  return {
    url: set(process.env.THB_CHAIN_URL),
    depositAddress: set(process.env.BRIDGE_THB_DEPOSIT_ADDRESS) ?? set(env.BRIDGE_THB_DEPOSIT_ADDRESS),
  };
}

function devChain(): { client: ThbChainClient; url: string; depositAddress: string | null } {
  const { url, depositAddress } = thbDevSettings();
  if (env.NEXT_PUBLIC_SOLANA_CLUSTER === "mainnet-beta") {
    throw new AppError("THB_CHAIN_NOT_CONFIGURED", "Local THB accounts do not exist on mainnet: deposit from your bank");
  }
  if (!url) {
    throw new AppError(
      "THB_CHAIN_NOT_CONFIGURED",
      "No THB-chain simulator is configured (set THB_CHAIN_URL, or run `npm run dev`, which starts one)",
    );
  }
  return { client: new ThbChainClient(url, { timeoutMs: 5_000 }), url, depositAddress };
}

/** A simulator failure as an AppError: unreachable → THB_CHAIN_UNAVAILABLE, a refusal → CONFLICT with its text. */
function thbFailure(err: unknown, url: string, what: string): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ThbChainRequestError) {
    if (err.code === "NETWORK" || err.code === "TIMEOUT" || err.code === "BAD_RESPONSE" || err.status >= 500) {
      let host = url;
      try {
        host = new URL(url).host;
      } catch {
        // keep the text as it is
      }
      return new AppError("THB_CHAIN_UNAVAILABLE", `${what}: the THB chain at ${host} is not reachable`, {
        cause: err,
        details: { thbChainCode: err.code },
      });
    }
    return new AppError("CONFLICT", `${what}: the THB chain refused it (${err.code}: ${err.message})`, {
      cause: err,
      details: { thbChainCode: err.code },
    });
  }
  return new AppError("THB_CHAIN_UNAVAILABLE", `${what}: the THB chain did not answer`, { cause: err });
}

const accountOutput = z.object({
  address: z.string(),
  /** THB base units in blocks / in confirmed blocks / with the mempool applied (what can be sent). */
  balance: z.bigint(),
  confirmedBalance: z.bigint(),
  pendingBalance: z.bigint(),
  confirmationsRequired: z.number().int(),
  chainId: z.string(),
  height: z.number().int(),
  /** Where deposits go (the bridge's THB account); null until one is configured. */
  depositAddress: z.string().nullable(),
  /** What a deposit's memo must say: the Solana wallet the THBC is minted to. */
  memo: z.string(),
});

export const thbTransferOutput = z.object({
  id: z.string(),
  kind: z.enum(["transfer", "fund"]),
  direction: z.enum(["in", "out"]),
  from: z.string().nullable(),
  to: z.string(),
  amount: z.bigint(),
  memo: z.string(),
  status: z.enum(["pending", "confirmed", "dropped"]),
  confirmations: z.number().int(),
  confirmationsRequired: z.number().int(),
  /** The block's time (ms since epoch); null while in the mempool. */
  timestamp: z.number().nullable(),
  /** A transfer to the bridge's deposit address. */
  toBridge: z.boolean(),
});

function transferItem(t: TransferView, me: string, depositAddress: string | null): z.infer<typeof thbTransferOutput> {
  return {
    id: t.id,
    kind: t.kind,
    direction: t.to === me ? "in" : "out",
    from: t.from,
    to: t.to,
    amount: BigInt(t.amount),
    memo: t.memo,
    status: t.status,
    confirmations: t.confirmations,
    confirmationsRequired: t.confirmationsRequired,
    timestamp: t.timestamp,
    toBridge: depositAddress !== null && t.to === depositAddress,
  };
}

const amountInput = z.object({ amount: baseUnitsSchema });

export const thbDevRouter = createTRPCRouter({
  /** The user's local THB account: address, balances, and where and how to deposit. */
  account: signedInProcedure.output(accountOutput).query(async ({ ctx }) => {
    const { client, url, depositAddress } = devChain();
    const kp = devThbKeypair(ctx.auth.secret, ctx.session.wallet);
    try {
      const [account, tip] = await Promise.all([client.account(kp.address), client.tip()]);
      return {
        address: kp.address,
        balance: BigInt(account.balance),
        confirmedBalance: BigInt(account.confirmedBalance),
        pendingBalance: BigInt(account.pendingBalance),
        confirmationsRequired: account.confirmationsRequired,
        chainId: tip.chainId,
        height: tip.height,
        depositAddress: depositAddress && isThbAddress(depositAddress) ? depositAddress : null,
        memo: ctx.session.wallet,
      };
    } catch (err) {
      throw thbFailure(err, url, "Reading your THB account");
    }
  }),

  /** The user's THB account's transfers, newest first (deposits out, payouts and faucet credits in). */
  transfers: signedInProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).default(20) }).default({ limit: 20 }))
    .output(z.array(thbTransferOutput))
    .query(async ({ ctx, input }) => {
      const { client, url, depositAddress } = devChain();
      const kp = devThbKeypair(ctx.auth.secret, ctx.session.wallet);
      let list;
      try {
        list = await client.accountTransfers(kp.address, { direction: "all", includeDropped: true });
      } catch (err) {
        throw thbFailure(err, url, "Reading your THB transfers");
      }
      // The chain lists blocks oldest first, then the mempool, then dropped ones: newest first here,
      // the dropped (reorged away) ones last.
      const live = list.transfers.filter((t) => t.status !== "dropped").reverse();
      const dropped = list.transfers.filter((t) => t.status === "dropped");
      return [...live, ...dropped].slice(0, input.limit).map((t) => transferItem(t, kp.address, depositAddress));
    }),

  /** The simulator's faucet: credits the user's local THB account (through the next block). */
  fund: signedInProcedure
    .input(z.object({ amount: baseUnitsSchema.max(THB_FAUCET_MAX, `The faucet gives at most ${formatThbAmount(THB_FAUCET_MAX)} at a time`) }))
    .output(thbTransferOutput)
    .mutation(async ({ ctx, input }) => {
      const { client, url, depositAddress } = devChain();
      const kp = devThbKeypair(ctx.auth.secret, ctx.session.wallet);
      try {
        return transferItem(await client.fund(kp.address, input.amount), kp.address, depositAddress);
      } catch (err) {
        throw thbFailure(err, url, "Funding your THB account");
      }
    }),

  /**
   * One-click local deposit: the server signs a THB transfer of `amount` from the user's local
   * account to the bridge's deposit address with the user's wallet as the memo. Refused before
   * anything is sent when the bridge is paused or not set up, over its per-deposit limit or what
   * is left of today's, or over the account's balance.
   */
  deposit: signedInProcedure
    .input(amountInput)
    .output(thbTransferOutput)
    .mutation(async ({ ctx, input }) => {
      const { client, url, depositAddress } = devChain();
      if (!depositAddress || !isThbAddress(depositAddress)) {
        throw new AppError("CONFLICT", "The bridge has no THB deposit address configured yet (BRIDGE_THB_DEPOSIT_ADDRESS)");
      }
      let bridge;
      try {
        const { programs } = await ctx.chain.connect();
        bridge = await programs.thbBridge.account.bridge.fetchNullable(bridgeAddress(), "confirmed");
      } catch (err) {
        throw chainFailure(err, "Reading the THB bridge");
      }
      if (!bridge) throw new AppError("CONFLICT", "The THB bridge is not set up on this network yet (run chain:bootstrap)");
      if (bridge.paused) throw new AppError("CONFLICT", "The bridge is paused: deposits are not accepted right now");
      const maxPerDeposit = BigInt(bridge.limits.maxPerDeposit.toString());
      if (input.amount > maxPerDeposit) {
        throw new AppError("CONFLICT", `Over the bridge's limit of ${formatThbAmount(maxPerDeposit)} per deposit`, {
          details: { limit: "maxPerDeposit", max: maxPerDeposit.toString() },
        });
      }
      const today = BigInt(Math.floor(Date.now() / 86_400_000));
      const mintedToday = BigInt(bridge.dayIndex.toString()) === today ? BigInt(bridge.dayMinted.toString()) : 0n;
      const leftToday = BigInt(bridge.limits.maxPerDay.toString()) - mintedToday;
      if (input.amount > leftToday) {
        throw new AppError(
          "CONFLICT",
          `Over the bridge's daily limit: ${formatThbAmount(leftToday > 0n ? leftToday : 0n)} can still be deposited today`,
          { details: { limit: "maxPerDay", max: (leftToday > 0n ? leftToday : 0n).toString() } },
        );
      }
      const kp = devThbKeypair(ctx.auth.secret, ctx.session.wallet);
      try {
        const account = await client.account(kp.address);
        const available = BigInt(account.pendingBalance);
        if (input.amount > available) {
          throw new AppError(
            "CONFLICT",
            `Your THB account holds ${formatThbAmount(available)}: you can deposit at most that. Nothing was sent.`,
            { details: { balance: available.toString() } },
          );
        }
        const sent = await client.send(kp, { to: depositAddress, amount: input.amount, memo: ctx.session.wallet, nonce: account.nonce });
        return transferItem(sent, kp.address, depositAddress);
      } catch (err) {
        throw thbFailure(err, url, "Sending THB to the bridge");
      }
    }),
});
