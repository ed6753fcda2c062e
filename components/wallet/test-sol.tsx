"use client";

/**
 * The connected wallet's SOL and, off mainnet, a one-click test airdrop: every form that makes the
 * wallet pay a fee or rent shows <LowSolNotice> when the balance is under what it needs.
 */
import { useAnchorWallet, useConnection } from "@solana/wallet-adapter-react";
import { LAMPORTS_PER_SOL } from "@solana/web3.js";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Button } from "~/components/ui/button";
import { useToast } from "~/components/ui/toast";
import { env } from "~/env.js";

/** Enough for a few fees and one small account's rent. */
export const LOW_SOL_LAMPORTS = 5_000_000n;

export function useSolBalance(describeError: (e: unknown) => string) {
  const { connection } = useConnection();
  const anchorWallet = useAnchorWallet();
  const { notify } = useToast();
  const balance = useQuery({
    queryKey: ["sol-balance", anchorWallet?.publicKey.toBase58()],
    enabled: !!anchorWallet,
    queryFn: async () => BigInt(await connection.getBalance(anchorWallet!.publicKey, "confirmed")),
  });
  const airdrop = useMutation({
    mutationFn: async () => {
      const sig = await connection.requestAirdrop(anchorWallet!.publicKey, LAMPORTS_PER_SOL);
      const bh = await connection.getLatestBlockhash("confirmed");
      await connection.confirmTransaction({ signature: sig, ...bh }, "confirmed");
    },
    onSuccess: () => void balance.refetch(),
    onError: (e) => notify({ tone: "error", title: "Airdrop failed", description: describeError(e) }),
  });
  const low = balance.data !== undefined && balance.data < LOW_SOL_LAMPORTS;
  return { balance, airdrop, low };
}

/** "Your wallet needs a little SOL for …" with the airdrop button off mainnet; nothing when not low. */
export function LowSolNotice({ sol, needsFor }: { sol: ReturnType<typeof useSolBalance>; needsFor: string }) {
  if (!sol.low) return null;
  return (
    <div className="bg-surface-muted flex flex-wrap items-center gap-3 rounded-xl p-3 text-sm">
      <span className="flex-1">Your wallet needs a little SOL for {needsFor}.</span>
      {env.NEXT_PUBLIC_SOLANA_CLUSTER !== "mainnet-beta" ? (
        <Button size="sm" variant="secondary" busy={sol.airdrop.isPending} onClick={() => sol.airdrop.mutate()}>
          Get 1 test SOL
        </Button>
      ) : null}
    </div>
  );
}
