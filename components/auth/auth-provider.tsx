"use client";

import { useWallet } from "@solana/wallet-adapter-react";
import { useWalletModal } from "@solana/wallet-adapter-react-ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import bs58 from "bs58";
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from "react";
import { useToast } from "~/components/ui/toast";
import { shortAddress } from "~/lib/format";
import { describeError, getAppError, isUserRejection } from "~/lib/trpc/errors";
import { useTRPC, type RouterOutputs } from "~/lib/trpc/react";
import { describeWalletError } from "~/lib/wallet-errors";
import { NoWalletDialog } from "./no-wallet-dialog";
import { SignInDialog } from "./sign-in-dialog";

export type SessionUser = NonNullable<RouterOutputs["auth"]["me"]>;
export type SignUpRole = "prosumer" | "consumer";
export type SignInStep = "idle" | "challenge" | "signing" | "verifying";
export type SessionStatus = "loading" | "signed-in" | "signed-out" | "error";

interface AuthContextValue {
  /** The signed-in user (from the session cookie, via auth.me); null when signed out. */
  user: SessionUser | null;
  status: SessionStatus;
  /** Why auth.me failed (server unreachable…), when status is "error". */
  sessionError: string | null;
  retrySession: () => void;

  /** The connected wallet's address, null when no wallet is connected. */
  walletAddress: string | null;
  walletName: string | null;
  walletConnecting: boolean;
  /** False for wallets that cannot sign arbitrary messages (they cannot sign in). */
  canSignMessage: boolean;

  /**
   * Signs in. An existing account (or an admin's) is never asked anything; for a wallet without
   * an account the server answers "sign-up required" and `signUp` says what to ask.
   */
  signIn: () => Promise<boolean>;
  /** Set after signIn when the wallet has no account yet: ask for a name (and a role, if needed). */
  signUp: { roleRequired: boolean } | null;
  /** Creates the account with the answers, reusing the signature already given when still valid. */
  completeSignUp: (profile: { role?: SignUpRole; name: string }) => Promise<boolean>;
  cancelSignUp: () => void;
  signInStep: SignInStep;
  signInError: string | null;
  signInErrorCode: string | null;
  clearSignInError: () => void;
  signOut: () => Promise<void>;
  signingOut: boolean;
  /** Signs out (if signed in) and disconnects the wallet. */
  disconnect: () => Promise<void>;

  /** The wallet picker (or a hint to install one when none is detected). */
  openConnect: () => void;
  signInOpen: boolean;
  openSignIn: () => void;
  closeSignIn: () => void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

/** A signed sign-in message waiting for a new account's answers (the nonce is still unused). */
interface PendingSignUp {
  address: string;
  message: string;
  signature: string;
  roleRequired: boolean;
}

/** The signature no longer works (expired or used up): sign a fresh message instead. */
const STALE_SIGNATURE_CODES = new Set(["AUTH_MESSAGE_EXPIRED", "AUTH_NONCE_USED", "AUTH_NONCE_UNKNOWN"]);

export function AuthProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const wallet = useWallet();
  const { setVisible: setWalletModalVisible } = useWalletModal();

  const meKey = useMemo(() => trpc.auth.me.queryKey(), [trpc]);
  const me = useQuery(
    trpc.auth.me.queryOptions(undefined, {
      // Notices an expired or revoked session: every minute, and whenever the tab regains focus
      // (even if the last answer is fresh: the user may have signed out in another tab).
      refetchInterval: 60_000,
      refetchOnWindowFocus: "always",
      staleTime: 15_000,
    }),
  );
  const challenge = useMutation(trpc.auth.challenge.mutationOptions());
  const signInMutation = useMutation(trpc.auth.signIn.mutationOptions());
  const signOutMutation = useMutation(trpc.auth.signOut.mutationOptions());

  const user = me.data ?? null;
  const status: SessionStatus = me.isPending
    ? "loading"
    : me.isError && me.data === undefined
      ? "error"
      : user
        ? "signed-in"
        : "signed-out";

  const walletAddress = wallet.publicKey?.toBase58() ?? null;
  const walletAddressRef = useRef(walletAddress);
  useEffect(() => {
    walletAddressRef.current = walletAddress;
  }, [walletAddress]);

  const [signInStep, setSignInStep] = useState<SignInStep>("idle");
  const [signInError, setSignInError] = useState<string | null>(null);
  const [signInErrorCode, setSignInErrorCode] = useState<string | null>(null);
  const [signInOpen, setSignInOpen] = useState(false);
  const [noWalletOpen, setNoWalletOpen] = useState(false);
  const [pendingSignUp, setPendingSignUp] = useState<PendingSignUp | null>(null);

  /** Set while we end the session ourselves, so that it is not reported as "expired". */
  const endingOnPurpose = useRef(false);
  /** The user of the last settled auth.me answer; a user → null change nobody asked for = expiry. */
  const previousUser = useRef<SessionUser | null>(null);

  const clearUserData = useCallback(async () => {
    // Everything but auth.me belonged to the previous user.
    await queryClient.resetQueries({
      predicate: (q) => JSON.stringify(q.queryKey[0]) !== JSON.stringify(meKey[0]),
    });
  }, [queryClient, meKey]);

  const { mutateAsync: requestSignOut, isPending: signingOut } = signOutMutation;
  const signOut = useCallback(async () => {
    endingOnPurpose.current = true;
    try {
      await requestSignOut();
      previousUser.current = null;
      queryClient.setQueryData(meKey, null);
      await clearUserData();
    } catch (error) {
      // The cookie is still there: say so, and show whatever the server says is true now.
      notify({
        tone: "error",
        title: "Sign out failed",
        description: `${describeError(error)} You may still be signed in.`,
      });
      await queryClient.invalidateQueries({ queryKey: meKey });
    } finally {
      endingOnPurpose.current = false;
    }
  }, [requestSignOut, queryClient, meKey, clearUserData, notify]);

  // A session that disappears without us ending it has expired (or was revoked).
  useEffect(() => {
    const prev = previousUser.current;
    if (me.isPending) return;
    if (prev && !user && !endingOnPurpose.current) {
      notify({
        tone: "info",
        title: "Your session ended",
        description: "It expired or was revoked. Sign in again to continue.",
      });
      void clearUserData();
    }
    previousUser.current = user;
  }, [user, me.isPending, notify, clearUserData]);

  // What the wallet itself says its active account is, read from its Wallet Standard events.
  // The adapter normally mirrors this, but under React StrictMode (development) wallet-adapter
  // drops its change listener, so the app listens too: a session must never outlive the account
  // the wallet shows.
  const walletSideAddress = useWalletSideAddress(wallet.wallet?.adapter ?? null);

  // The wallet switched to another account: the session belongs to the old one, end it.
  useEffect(() => {
    if (!user || endingOnPurpose.current) return;
    const now = [walletAddress, walletSideAddress].find((a) => a !== null && a !== user.wallet);
    if (!now) return;
    notify({
      tone: "info",
      title: "Wallet account changed",
      description: `Signed out of ${shortAddress(user.wallet)}. Sign in again as ${shortAddress(now)}.`,
    });
    void signOut();
  }, [user, walletAddress, walletSideAddress, signOut, notify]);

  const { signMessage } = wallet;

  /**
   * challenge → the wallet signs → auth.signIn (newAccount "ask"), or only the last step when
   * `reuse` holds a signature given moments ago. `profile` answers a new account's questions.
   */
  const runSignIn = useCallback(
    async (
      profile: { role?: SignUpRole; name: string } | null,
      reuse: PendingSignUp | null,
    ): Promise<boolean> => {
      setSignInError(null);
      setSignInErrorCode(null);
      const address = walletAddressRef.current;
      if (!address) {
        setSignInError("Connect your wallet first.");
        return false;
      }
      if (!signMessage) {
        setSignInError(
          "This wallet can't sign messages, so it can't sign in. Use a wallet that supports message signing, such as Phantom.",
        );
        return false;
      }
      try {
        let reusable = reuse?.address === address ? reuse : null;
        // At most twice: a reused signature may have expired while the user answered.
        for (;;) {
          let signed = reusable ? { message: reusable.message, signature: reusable.signature } : null;
          if (!signed) {
            setSignInStep("challenge");
            const issued = await challenge.mutateAsync({ publicKey: address });

            setSignInStep("signing");
            let signature: Uint8Array;
            try {
              signature = await signMessage(new TextEncoder().encode(issued.message));
            } catch (error) {
              setSignInError(
                isUserRejection(error)
                  ? "You declined the signature request, so you were not signed in."
                  : describeWalletError(error),
              );
              setSignInErrorCode(isUserRejection(error) ? "WALLET_REJECTED" : "WALLET_ERROR");
              return false;
            }
            if (walletAddressRef.current !== address) {
              setSignInError("The wallet switched accounts while signing. Sign in again.");
              return false;
            }
            signed = { message: issued.message, signature: bs58.encode(signature) };
          }

          setSignInStep("verifying");
          let result;
          try {
            result = await signInMutation.mutateAsync({
              publicKey: address,
              message: signed.message,
              signature: signed.signature,
              newAccount: "ask",
              ...(profile?.role ? { role: profile.role } : {}),
              ...(profile ? { name: profile.name } : {}),
            });
          } catch (error) {
            const code = getAppError(error)?.code;
            if (code === "AUTH_SIGN_UP_REQUIRED" || code === "AUTH_SIGN_UP_NAME_REQUIRED") {
              // A new account: nothing was written, and this signature stays good for the answers.
              setPendingSignUp({ address, ...signed, roleRequired: code === "AUTH_SIGN_UP_REQUIRED" });
              return false;
            }
            if (reusable && code && STALE_SIGNATURE_CODES.has(code)) {
              // The answers took longer than the message is valid: sign a fresh one.
              reusable = null;
              continue;
            }
            throw error;
          }
          queryClient.setQueryData(meKey, result.user);
          previousUser.current = result.user;
          setPendingSignUp(null);
          await clearUserData();
          return true;
        }
      } catch (error) {
        setSignInError(describeError(error, "Sign-in failed. Try again."));
        setSignInErrorCode(getAppError(error)?.code ?? null);
        return false;
      } finally {
        setSignInStep("idle");
      }
    },
    [signMessage, challenge, signInMutation, queryClient, meKey, clearUserData],
  );

  const signIn = useCallback(() => runSignIn(null, null), [runSignIn]);
  const completeSignUp = useCallback(
    (profile: { role?: SignUpRole; name: string }) => runSignIn(profile, pendingSignUp),
    [runSignIn, pendingSignUp],
  );
  const cancelSignUp = useCallback(() => setPendingSignUp(null), []);
  // A signature belongs to the account that gave it.
  useEffect(() => {
    setPendingSignUp((p) => (p && p.address !== walletAddress ? null : p));
  }, [walletAddress]);

  const { wallets } = wallet;
  const disconnect = useCallback(async () => {
    if (user) await signOut();
    try {
      await wallet.disconnect();
    } catch (error) {
      notify({
        tone: "error",
        title: "Couldn't disconnect",
        description: describeWalletError(error),
      });
    }
  }, [user, signOut, wallet, notify]);

  const openConnect = useCallback(() => {
    if (wallets.length === 0) setNoWalletOpen(true);
    else setWalletModalVisible(true);
  }, [wallets.length, setWalletModalVisible]);

  const openSignIn = useCallback(() => {
    setSignInError(null);
    setSignInErrorCode(null);
    setPendingSignUp(null);
    setSignInOpen(true);
  }, []);
  const closeSignIn = useCallback(() => {
    setSignInOpen(false);
    setPendingSignUp(null);
  }, []);
  const clearSignInError = useCallback(() => {
    setSignInError(null);
    setSignInErrorCode(null);
  }, []);

  // Signed in (by this tab or another): the dialog has done its job.
  useEffect(() => {
    if (user && signInOpen && user.wallet === walletAddress) setSignInOpen(false);
  }, [user, signInOpen, walletAddress]);

  const { refetch } = me;
  const retrySession = useCallback(() => void refetch(), [refetch]);

  const value = useMemo<AuthContextValue>(
    () => ({
      user,
      status,
      sessionError: me.isError ? describeError(me.error) : null,
      retrySession,
      walletAddress,
      walletName: wallet.wallet?.adapter.name ?? null,
      walletConnecting: wallet.connecting,
      canSignMessage: Boolean(signMessage),
      signIn,
      signUp: pendingSignUp ? { roleRequired: pendingSignUp.roleRequired } : null,
      completeSignUp,
      cancelSignUp,
      signInStep,
      signInError,
      signInErrorCode,
      clearSignInError,
      signOut,
      signingOut,
      disconnect,
      openConnect,
      signInOpen,
      openSignIn,
      closeSignIn,
    }),
    [
      user,
      status,
      me.isError,
      me.error,
      retrySession,
      walletAddress,
      wallet.wallet,
      wallet.connecting,
      signMessage,
      signIn,
      pendingSignUp,
      completeSignUp,
      cancelSignUp,
      signInStep,
      signInError,
      signInErrorCode,
      clearSignInError,
      signOut,
      signingOut,
      disconnect,
      openConnect,
      signInOpen,
      openSignIn,
      closeSignIn,
    ],
  );

  return (
    <AuthContext.Provider value={value}>
      {children}
      <SignInDialog />
      <NoWalletDialog open={noWalletOpen} onClose={() => setNoWalletOpen(false)} />
    </AuthContext.Provider>
  );
}

interface StandardWalletLike {
  accounts: readonly { address: string }[];
  features: {
    "standard:events"?: {
      on: (event: "change", listener: (properties: { accounts?: unknown }) => void) => () => void;
    };
  };
}

function isStandardWalletLike(x: unknown): x is StandardWalletLike {
  if (typeof x !== "object" || x === null) return false;
  const w = x as Partial<StandardWalletLike>;
  return Array.isArray(w.accounts) && typeof w.features?.["standard:events"]?.on === "function";
}

/** The first account of the Wallet Standard wallet behind `adapter`, kept current; else null. */
function useWalletSideAddress(adapter: object | null): string | null {
  const [address, setAddress] = useState<string | null>(null);
  useEffect(() => {
    const standard: unknown = adapter && "wallet" in adapter ? adapter.wallet : null;
    if (!isStandardWalletLike(standard)) {
      setAddress(null);
      return;
    }
    const read = () => setAddress(standard.accounts[0]?.address ?? null);
    read();
    return standard.features["standard:events"]?.on("change", (properties) => {
      if ("accounts" in properties) read();
    });
  }, [adapter]);
  return address;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth must be used inside <AuthProvider>");
  return value;
}
