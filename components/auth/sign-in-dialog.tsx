"use client";

import { useEffect, useState } from "react";
import { Button } from "~/components/ui/button";
import { Dialog } from "~/components/ui/dialog";
import { AlertIcon, HomeIcon, SolarPanelIcon } from "~/components/ui/icons";
import { shortAddress } from "~/lib/format";
import { useAuth, type SignInStep, type SignUpRole } from "./auth-provider";

const STEP_TEXT: Record<Exclude<SignInStep, "idle">, string> = {
  challenge: "Preparing the sign-in message…",
  signing: "Waiting for your wallet — approve the message there.",
  verifying: "Checking the signature…",
};

const ROLES: { value: SignUpRole; title: string; body: string; Icon: typeof SolarPanelIcon }[] = [
  {
    value: "prosumer",
    title: "Prosumer",
    body: "I have rooftop solar and a smart meter. I sell my surplus and buy when I need to.",
    Icon: SolarPanelIcon,
  },
  {
    value: "consumer",
    title: "Consumer",
    body: "I buy locally produced solar energy from my neighbours.",
    Icon: HomeIcon,
  },
];

export function SignInDialog() {
  const auth = useAuth();
  const [role, setRole] = useState<SignUpRole | null>(null);
  const [chooseRole, setChooseRole] = useState(false);

  const { signInOpen, isKnownWallet } = auth;
  useEffect(() => {
    if (signInOpen) {
      setRole(null);
      setChooseRole(!isKnownWallet);
    }
  }, [signInOpen, isKnownWallet]);

  const busy = auth.signInStep !== "idle";
  const needsRole = chooseRole && role === null;

  return (
    <Dialog
      open={auth.signInOpen}
      onClose={auth.closeSignIn}
      title="Sign in to GridTokenX"
      description={
        auth.walletAddress ? (
          <>
            Your wallet will ask you to sign a short message. Signing proves you own{" "}
            <span className="text-fg font-mono">{shortAddress(auth.walletAddress)}</span>. It is
            free and sends no transaction.
          </>
        ) : (
          "Connect a wallet first, then sign a message to prove it is yours."
        )
      }
    >
      {!auth.walletAddress ? (
        <Button
          onClick={() => {
            auth.closeSignIn();
            auth.openConnect();
          }}
        >
          Connect wallet
        </Button>
      ) : (
        <form
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            if (needsRole) return;
            void auth.signIn(chooseRole && role ? role : undefined);
          }}
        >
          {chooseRole ? (
            <fieldset className="flex flex-col gap-2" disabled={busy}>
              <legend className="mb-2 text-sm font-medium">
                New here? Choose how you&apos;ll use GridTokenX.
              </legend>
              {ROLES.map(({ value, title, body, Icon }) => (
                <label
                  key={value}
                  className="border-line has-checked:border-accent has-checked:bg-accent-soft flex cursor-pointer items-start gap-3 rounded-xl border p-3 transition-colors"
                >
                  <input
                    type="radio"
                    name="role"
                    value={value}
                    checked={role === value}
                    onChange={() => setRole(value)}
                    className="accent-accent mt-1"
                  />
                  <Icon className="text-energy mt-0.5 shrink-0" />
                  <span className="min-w-0">
                    <span className="block text-sm font-medium">{title}</span>
                    <span className="text-fg-muted block text-sm">{body}</span>
                  </span>
                </label>
              ))}
              <p className="text-fg-muted text-xs">
                Already have an account? It keeps its role; this choice only applies to new
                accounts.
              </p>
            </fieldset>
          ) : (
            <button
              type="button"
              className="text-accent self-start text-sm font-medium hover:underline"
              onClick={() => setChooseRole(true)}
            >
              First time with this wallet? Choose a role
            </button>
          )}

          {!auth.canSignMessage ? (
            <p
              role="alert"
              className="bg-danger-soft text-danger flex gap-2 rounded-lg p-3 text-sm"
            >
              <AlertIcon className="mt-0.5 shrink-0" width={16} height={16} />
              {auth.walletName ?? "This wallet"} can&apos;t sign messages, so it can&apos;t sign in.
              Use a wallet that supports message signing, such as Phantom.
            </p>
          ) : null}

          {auth.signInError ? (
            <p
              role="alert"
              className="bg-danger-soft text-danger flex gap-2 rounded-lg p-3 text-sm"
            >
              <AlertIcon className="mt-0.5 shrink-0" width={16} height={16} />
              <span>{auth.signInError}</span>
            </p>
          ) : null}

          {busy && auth.signInStep !== "idle" ? (
            <p className="text-fg-muted text-sm" role="status">
              {STEP_TEXT[auth.signInStep]}
            </p>
          ) : null}

          <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <Button variant="secondary" onClick={auth.closeSignIn} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" busy={busy} disabled={busy || needsRole || !auth.canSignMessage}>
              {busy ? "Signing in…" : "Sign message"}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
