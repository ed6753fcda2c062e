import { isUserRejection } from "~/lib/trpc/errors";

/** Readable text for errors thrown by wallet-adapter (WalletError subclasses) and extensions. */
export function describeWalletError(error: unknown): string {
  if (isUserRejection(error)) return "The request was declined in your wallet.";
  const name =
    typeof error === "object" && error !== null && "name" in error ? String(error.name) : "";
  switch (name) {
    case "WalletNotReadyError":
      return "That wallet isn't installed or ready in this browser.";
    case "WalletNotConnectedError":
      return "Connect your wallet first.";
    case "WalletWindowClosedError":
      return "The wallet window was closed before you answered.";
    case "WalletConnectionError":
      return "The wallet didn't connect. Unlock it and try again.";
    case "WalletAccountError":
    case "WalletPublicKeyError":
      return "The wallet didn't share a usable account. Select an account in the wallet and try again.";
    case "WalletTimeoutError":
      return "The wallet took too long to answer. Try again.";
    case "WalletSignMessageError":
      return "The wallet couldn't sign the message.";
    case "WalletConfigError":
      return "This wallet doesn't support that request.";
    default: {
      const message =
        typeof error === "object" && error !== null && "message" in error
          ? String(error.message)
          : "";
      return message || "The wallet reported an error.";
    }
  }
}
