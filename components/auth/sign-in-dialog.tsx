"use client";

import { useEffect, useId, useState } from "react";
import { Button } from "~/components/ui/button";
import { Dialog } from "~/components/ui/dialog";
import { AlertIcon, HomeIcon, SolarPanelIcon } from "~/components/ui/icons";
import { DISPLAY_NAME_MAX, newDisplayNameProblem } from "~/lib/display-name";
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

/**
 * Sign-in: the wallet signs the server's message. Nothing is asked first: an existing account
 * (or an admin) is signed in straight away. Only when the server says the wallet has no account
 * yet does the dialog ask for a display name (and Prosumer or Consumer, except for admins), then
 * creates the account with the signature already given.
 */
export function SignInDialog() {
  const auth = useAuth();
  const nameId = useId();
  const [role, setRole] = useState<SignUpRole | null>(null);
  const [name, setName] = useState("");
  const [nameProblem, setNameProblem] = useState<string | null>(null);
  const [roleProblem, setRoleProblem] = useState(false);

  const { signInOpen } = auth;
  useEffect(() => {
    if (signInOpen) {
      setRole(null);
      setName("");
      setNameProblem(null);
      setRoleProblem(false);
    }
  }, [signInOpen]);

  const busy = auth.signInStep !== "idle";
  const signUp = auth.signUp;

  const submitSignUp = () => {
    if (!signUp) return;
    const problem = newDisplayNameProblem(name);
    setNameProblem(problem);
    const missingRole = signUp.roleRequired && role === null;
    setRoleProblem(missingRole);
    if (problem || missingRole) return;
    void auth.completeSignUp({ name: name.trim(), ...(signUp.roleRequired && role ? { role } : {}) });
  };

  const alerts = (
    <>
      {!auth.canSignMessage ? (
        <p role="alert" className="bg-danger-soft text-danger flex gap-2 rounded-lg p-3 text-sm">
          <AlertIcon className="mt-0.5 shrink-0" width={16} height={16} />
          {auth.walletName ?? "This wallet"} can&apos;t sign messages, so it can&apos;t sign in.
          Use a wallet that supports message signing, such as Phantom.
        </p>
      ) : null}
      {auth.signInError ? (
        <p role="alert" className="bg-danger-soft text-danger flex gap-2 rounded-lg p-3 text-sm">
          <AlertIcon className="mt-0.5 shrink-0" width={16} height={16} />
          <span>{auth.signInError}</span>
        </p>
      ) : null}
      {busy ? (
        <p className="text-fg-muted text-sm" role="status">
          {STEP_TEXT[auth.signInStep as Exclude<SignInStep, "idle">]}
        </p>
      ) : null}
    </>
  );

  return (
    <Dialog
      open={auth.signInOpen}
      onClose={auth.closeSignIn}
      title="Sign in to GridTokenX"
      description={
        signUp ? (
          "This wallet is new to GridTokenX. Tell us who you are to create your account; your wallet won't ask again."
        ) : auth.walletAddress ? (
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
      ) : signUp ? (
        <form
          className="flex flex-col gap-4"
          aria-label="Create your account"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            submitSignUp();
          }}
        >
          <h3 className="text-sm font-semibold">Create your account</h3>
          {signUp.roleRequired ? (
            <fieldset className="flex flex-col gap-2" disabled={busy} aria-invalid={roleProblem || undefined}>
              <legend className="mb-2 text-sm font-medium">How will you use GridTokenX?</legend>
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
                    onChange={() => {
                      setRole(value);
                      setRoleProblem(false);
                    }}
                    className="accent-accent mt-1"
                  />
                  <Icon className="text-energy mt-0.5 shrink-0" />
                  <span className="min-w-0">
                    <span className="block text-sm font-medium">{title}</span>
                    <span className="text-fg-muted block text-sm">{body}</span>
                  </span>
                </label>
              ))}
              {roleProblem ? (
                <p className="text-danger text-sm" role="alert">
                  Choose Prosumer or Consumer.
                </p>
              ) : null}
            </fieldset>
          ) : null}
          <div className="flex flex-col gap-1.5">
            <label htmlFor={nameId} className="text-sm font-medium">
              Display name
            </label>
            <input
              id={nameId}
              name="name"
              autoComplete="nickname"
              className="border-line bg-canvas h-10 rounded-lg border px-3 text-sm"
              value={name}
              maxLength={DISPLAY_NAME_MAX}
              disabled={busy}
              aria-invalid={nameProblem ? true : undefined}
              aria-describedby={`${nameId}-hint`}
              onChange={(e) => {
                setName(e.target.value);
                if (nameProblem) setNameProblem(newDisplayNameProblem(e.target.value));
              }}
            />
            <p id={`${nameId}-hint`} className={`text-xs ${nameProblem ? "text-danger" : "text-fg-muted"}`}>
              {nameProblem
                ? `Display name: ${nameProblem}.`
                : `Shown to you and to admins, up to ${DISPLAY_NAME_MAX} characters; you can change it later in your profile.`}
            </p>
          </div>
          {alerts}
          <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <Button variant="secondary" onClick={auth.closeSignIn} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" busy={busy} disabled={busy}>
              {busy ? "Creating…" : "Create account"}
            </Button>
          </div>
        </form>
      ) : (
        <form
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            void auth.signIn();
          }}
        >
          <p className="text-fg-muted text-xs">
            New here? After signing, you choose a display name and how you&apos;ll use GridTokenX.
          </p>
          {alerts}
          <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <Button variant="secondary" onClick={auth.closeSignIn} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" busy={busy} disabled={busy || !auth.canSignMessage}>
              {busy ? "Signing in…" : "Sign message"}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
