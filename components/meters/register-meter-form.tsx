"use client";

import { useAnchorWallet, useConnection } from "@solana/wallet-adapter-react";
import { Keypair, PublicKey } from "@solana/web3.js";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import bs58 from "bs58";
import { useId, useRef, useState, type FormEvent } from "react";
import { useAuth } from "~/components/auth/auth-provider";
import { ErrorBlock, Panel } from "~/components/dashboard/panel";
import { Button } from "~/components/ui/button";
import { AlertIcon, CopyIcon } from "~/components/ui/icons";
import { useToast } from "~/components/ui/toast";
import { onChainName } from "~/lib/display-name";
import { MAX_METER_ID_LEN } from "~/lib/reading-encoding";
import { useTRPC } from "~/lib/trpc/react";
import { meterAddress, meterKeyAddress } from "~/programs/registry/client";
import { LowSolNotice, useSolBalance } from "~/components/wallet/test-sol";
import { useWalletTx, type WalletTxStep } from "~/components/wallet/use-wallet-tx";
import { describeTxError } from "./chain-error";
import { buildRegistrationTx, registryProgram, type ChainMeterType } from "./registry-program";

const MAX_ID_BYTES = MAX_METER_ID_LEN;

/** The form's own steps around the wallet transaction's (useWalletTx: signing, sending, confirming). */
type Step = "idle" | "checking" | WalletTxStep | "saving";
const STEP_TEXT: Record<Step, string> = {
  idle: "",
  checking: "Checking your registration…",
  signing: "Approve the transaction in your wallet…",
  sending: "Sending to the Solana network…",
  confirming: "Waiting for confirmation…",
  saving: "Saving your meter…",
};

function randomMeterId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return `meter-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function parsePublicKey(text: string): PublicKey | null {
  try {
    const bytes = bs58.decode(text.trim());
    return bytes.length === 32 ? new PublicKey(bytes) : null;
  } catch {
    return null;
  }
}

interface GeneratedKey {
  publicKey: string;
  /** base58 of the 32-byte Ed25519 seed: what the meter signs readings with. */
  secret: string;
}

function GeneratedSecret({ generated, meterId, onDismiss }: { generated: GeneratedKey; meterId: string; onDismiss: () => void }) {
  const { notify } = useToast();
  const download = () => {
    const blob = new Blob(
      [JSON.stringify({ meterId, publicKey: generated.publicKey, secretSeedBase58: generated.secret }, null, 2)],
      { type: "application/json" },
    );
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `${meterId || "meter"}-key.json`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div role="alert" className="flex flex-col gap-3 rounded-xl border border-amber-500/40 bg-amber-500/10 p-4 text-sm">
      <p className="flex items-start gap-2 font-medium">
        <AlertIcon width={18} height={18} className="mt-0.5 shrink-0" />
        Save this meter secret now. It is shown only once and never leaves this browser; anyone with it can sign
        readings as your meter.
      </p>
      <code data-testid="generated-secret" className="bg-surface break-all rounded-lg p-2 font-mono text-xs">
        {generated.secret}
      </code>
      <div className="flex flex-wrap gap-2">
        <Button
          size="sm"
          variant="secondary"
          onClick={() => {
            void navigator.clipboard
              ?.writeText(generated.secret)
              .then(() => notify({ tone: "success", title: "Secret copied" }))
              .catch(() => notify({ tone: "error", title: "Couldn't copy; select the text instead" }));
          }}
        >
          <CopyIcon width={16} height={16} /> Copy
        </Button>
        <Button size="sm" variant="secondary" onClick={download}>
          Download key file
        </Button>
        <Button size="sm" variant="ghost" onClick={onDismiss}>
          I saved it — hide
        </Button>
      </div>
    </div>
  );
}

export function RegisterMeterForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const auth = useAuth();
  const { connection } = useConnection();
  const anchorWallet = useAnchorWallet();
  const { notify } = useToast();
  const walletTx = useWalletTx();
  const ids = useId();

  const [meterId, setMeterId] = useState(randomMeterId);
  const [keyText, setKeyText] = useState("");
  const [generated, setGenerated] = useState<GeneratedKey | null>(null);
  /** The secret of a key generated for a meter that is now registered: shown until dismissed. */
  const [registeredSecret, setRegisteredSecret] = useState<{ meterId: string; generated: GeneratedKey } | null>(null);
  /** Set synchronously on submit: a double click cannot start a second registration. */
  const inFlight = useRef(false);
  const [type, setType] = useState<ChainMeterType>("solar");
  const [zone, setZone] = useState("1");
  const [capacity, setCapacity] = useState("5000");
  const [step, setStep] = useState<Step>("idle");
  const [formError, setFormError] = useState<string | null>(null);

  const registration = useQuery(trpc.meters.registrationData.queryOptions());
  const sync = useMutation(trpc.meters.syncFromChain.mutationOptions());

  const sol = useSolBalance(describeTxError);

  const idBytes = new TextEncoder().encode(meterId.trim()).length;
  const parsedKey = parsePublicKey(keyText);
  const zoneNum = Number(zone);
  const capacityNum = Number(capacity);
  const busy = step !== "idle";

  function generate() {
    const kp = Keypair.generate();
    const g = { publicKey: kp.publicKey.toBase58(), secret: bs58.encode(kp.secretKey.slice(0, 32)) };
    setGenerated(g);
    setKeyText(g.publicKey);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (inFlight.current) return;
    setFormError(null);
    const id = meterId.trim();
    if (idBytes < 1 || idBytes > MAX_ID_BYTES) return setFormError(`The meter id must be 1 to ${MAX_ID_BYTES} bytes.`);
    if (!keyText.trim()) return setFormError("Enter the meter's public key, or generate a key pair.");
    if (!parsedKey) return setFormError("The meter public key must be a base58 Ed25519 public key (32 bytes).");
    if (!Number.isInteger(zoneNum) || zoneNum < 0 || zoneNum > 4_294_967_295) return setFormError("The zone must be a whole number.");
    if (!Number.isInteger(capacityNum) || capacityNum <= 0) return setFormError("The rated capacity must be a positive number of watts.");
    if (!anchorWallet || !auth.user) return setFormError("Connect and sign in with your wallet first.");
    if (anchorWallet.publicKey.toBase58() !== auth.user.wallet) {
      return setFormError("The connected wallet is not the one you signed in with.");
    }

    inFlight.current = true;
    try {
      setStep("checking");
      const data = await queryClient.fetchQuery({ ...trpc.meters.registrationData.queryOptions(), staleTime: 0 });
      if (!data.registryInitialized) throw new Error("The Registry is not initialised on this network yet. Ask an admin.");
      // Before the wallet is asked: the chain refuses a taken id or a device key already in use.
      const [meterTaken, keyTaken] = await connection.getMultipleAccountsInfo(
        [meterAddress(id), meterKeyAddress(parsedKey)],
        "confirmed",
      );
      if (keyTaken) {
        throw new Error(
          "This device key is already registered to another meter: one key belongs to one meter. Generate a new key for this meter.",
        );
      }
      if (meterTaken) throw new Error(`The meter id ${id} is already registered. Choose another id.`);
      const program = registryProgram(connection, anchorWallet);
      const registerUser = data.userRegisteredOnChain
        ? null
        : {
            userType: auth.user.role === "consumer" ? ("consumer" as const) : ("prosumer" as const),
            name: onChainName(auth.user.name ?? "GridTokenX user"),
          };
      const sent = await walletTx.send(() =>
        buildRegistrationTx(program, {
          wallet: anchorWallet.publicKey,
          registerUser,
          meterId: id,
          meterPublicKey: parsedKey,
          meterType: type,
          zoneId: zoneNum,
          ratedCapacityW: capacityNum,
        }),
        // The form's one progress line follows the wallet steps, then goes on to "saving".
        { onStep: setStep },
      );
      if (!sent.ok) return setFormError(sent.message);
      setStep("saving");
      // The indexer applies the confirmed transaction now, so the list shows the meter at once.
      await sync.mutateAsync({ signatures: [sent.signature], meterId: id });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.meters.mine.queryKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.meters.registrationData.queryKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.users.me.queryKey() }),
      ]);
      notify({ tone: "success", title: `Meter ${id} registered`, description: "It stays pending until an admin activates it." });
      // A fresh form: the key belongs to the meter just registered, never to the next one.
      if (generated) setRegisteredSecret({ meterId: id, generated });
      setGenerated(null);
      setKeyText("");
      setMeterId(randomMeterId());
      void sol.balance.refetch();
    } catch (err) {
      setFormError(describeTxError(err));
    } finally {
      inFlight.current = false;
      setStep("idle");
    }
  }

  const label = "text-sm font-medium";
  const input =
    "border-line bg-canvas h-10 w-full rounded-lg border px-3 text-sm outline-none focus-visible:ring-2 focus-visible:ring-[var(--accent)]";

  return (
    <Panel title="Register a meter" labelledBy={`${ids}-title`}>
      {registration.isPending ? (
        <p className="text-fg-muted text-sm">Checking your on-chain registration…</p>
      ) : registration.isError ? (
        <ErrorBlock error={registration.error} onRetry={() => void registration.refetch()} />
      ) : (
        <p className="text-fg-muted text-sm" data-testid="registration-hint">
          {registration.data.userRegisteredOnChain
            ? "Your wallet is registered on chain: registering a meter takes one signature."
            : "Your wallet isn't registered on chain yet: the same transaction registers you first (one signature)."}
        </p>
      )}
      <LowSolNotice sol={sol} needsFor="the fee and account rent" />

      {registeredSecret ? (
        <GeneratedSecret
          generated={registeredSecret.generated}
          meterId={registeredSecret.meterId}
          onDismiss={() => setRegisteredSecret(null)}
        />
      ) : null}
      <form onSubmit={(e) => void submit(e)} className="grid gap-4 sm:grid-cols-2" noValidate>
        <label className="flex flex-col gap-1.5">
          <span className={label}>Meter id</span>
          <input className={input} value={meterId} onChange={(e) => setMeterId(e.target.value)} maxLength={64} required />
          <span className={`text-xs ${idBytes > MAX_ID_BYTES ? "text-danger" : "text-fg-muted"}`}>
            {idBytes}/{MAX_ID_BYTES} bytes; the id your meter puts in its readings
          </span>
        </label>
        <div className="flex flex-col gap-1.5">
          <label htmlFor={`${ids}-key`} className={label}>
            Meter public key (base58)
          </label>
          <div className="flex gap-2">
            <input
              id={`${ids}-key`}
              className={`${input} font-mono`}
              value={keyText}
              onChange={(e) => {
                setKeyText(e.target.value);
                setGenerated(null);
              }}
              placeholder="Paste the device's Ed25519 public key"
              spellCheck={false}
              autoComplete="off"
            />
            <Button variant="secondary" onClick={generate} disabled={busy}>
              Generate
            </Button>
          </div>
          <span className={`text-xs ${keyText && !parsedKey ? "text-danger" : "text-fg-muted"}`}>
            {keyText && !parsedKey ? "Not a 32-byte base58 key" : "Or generate a key pair here for a simulated meter"}
          </span>
        </div>
        {generated ? (
          <div className="sm:col-span-2">
            <GeneratedSecret generated={generated} meterId={meterId} onDismiss={() => setGenerated(null)} />
          </div>
        ) : null}
        <label className="flex flex-col gap-1.5">
          <span className={label}>Type</span>
          <select className={input} value={type} onChange={(e) => setType(e.target.value as ChainMeterType)}>
            <option value="solar">Solar</option>
            <option value="wind">Wind</option>
            <option value="battery">Battery</option>
            <option value="grid">Consumption only</option>
          </select>
        </label>
        <div className="grid grid-cols-2 gap-3">
          <label className="flex flex-col gap-1.5">
            <span className={label}>Zone</span>
            <input className={input} inputMode="numeric" value={zone} onChange={(e) => setZone(e.target.value)} />
          </label>
          <label className="flex flex-col gap-1.5">
            <span className={label}>Rated capacity (W)</span>
            <input className={input} inputMode="numeric" value={capacity} onChange={(e) => setCapacity(e.target.value)} />
          </label>
        </div>
        {formError ? (
          <p role="alert" className="bg-danger-soft text-danger rounded-xl p-3 text-sm sm:col-span-2" data-testid="register-error">
            {formError}
          </p>
        ) : null}
        <div className="flex flex-wrap items-center gap-3 sm:col-span-2">
          <Button type="submit" busy={busy} disabled={busy || !anchorWallet}>
            Register meter
          </Button>
          <span className="text-fg-muted text-sm" aria-live="polite">
            {STEP_TEXT[step]}
          </span>
        </div>
      </form>
    </Panel>
  );
}
