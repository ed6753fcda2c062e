import { WalletSignMessageError } from "@solana/wallet-adapter-base";
import { describe, expect, it } from "vitest";
import { APP_ERROR_CODE_LIST } from "~/lib/app-error-codes";
import { shortAddress } from "~/lib/format";
import { describeWalletError } from "~/lib/wallet-errors";
import { describeError, getAppError, isUnauthorizedError, isUserRejection } from "./errors";

/** The shape a TRPCClientError has on the client: `data` from the server's errorFormatter. */
function trpcError(data: Record<string, unknown>, message = "server message") {
  return Object.assign(new Error(message), { data });
}

describe("describeError", () => {
  it("has its own sentence for every stable server code", () => {
    for (const code of APP_ERROR_CODE_LIST) {
      const text = describeError(trpcError({ appError: { code, message: "raw" } }));
      expect(text, code).not.toBe("raw");
      expect(text.length, code).toBeGreaterThan(10);
    }
  });

  it("tells how long to wait when rate limited", () => {
    const err = trpcError({
      code: "TOO_MANY_REQUESTS",
      appError: { code: "RATE_LIMITED", message: "Too many requests; retry in 42 s" },
    });
    expect(describeError(err)).toBe("Too many attempts in a short time. Try again in 42 seconds.");
  });

  it("lists field problems from zod", () => {
    const err = trpcError({
      appError: { code: "VALIDATION_FAILED", message: "Invalid input" },
      zodError: { formErrors: [], fieldErrors: { publicKey: ["must be base58"] } },
    });
    expect(describeError(err)).toBe("Some details were not accepted — publicKey: must be base58.");
  });

  it("ignores codes it does not know and falls back", () => {
    expect(getAppError(trpcError({ appError: { code: "NOPE", message: "x" } }))).toBeNull();
    expect(describeError(new Error("boom"), "Fallback.")).toBe("Fallback.");
    expect(describeError(new TypeError("Failed to fetch"))).toMatch(/Can't reach/);
  });

  it("recognises a lost session", () => {
    expect(
      isUnauthorizedError(trpcError({ appError: { code: "UNAUTHENTICATED", message: "" } })),
    ).toBe(true);
    expect(isUnauthorizedError(trpcError({ code: "UNAUTHORIZED" }))).toBe(true);
    expect(isUnauthorizedError(trpcError({ appError: { code: "FORBIDDEN", message: "" } }))).toBe(
      false,
    );
  });
});

describe("wallet errors", () => {
  it("sees a rejection wrapped by wallet-adapter", () => {
    const inner = Object.assign(new Error("User rejected the request."), { code: 4001 });
    const wrapped = new WalletSignMessageError(inner.message, inner);
    expect(isUserRejection(wrapped)).toBe(true);
    expect(describeWalletError(wrapped)).toBe("The request was declined in your wallet.");
    expect(isUserRejection(new WalletSignMessageError("device busy"))).toBe(false);
    expect(describeWalletError(new WalletSignMessageError("device busy"))).toBe(
      "The wallet couldn't sign the message.",
    );
  });
});

describe("shortAddress", () => {
  it("keeps both ends", () => {
    expect(shortAddress("53bRNtYtFYvvVDAXQDUjAiERtcd3awB2E6LYs66MtKGa")).toBe("53bR…tKGa");
    expect(shortAddress("abc")).toBe("abc");
  });
});
