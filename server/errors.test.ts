import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { describe, expect, it } from "vitest";
import {
  APP_ERROR_CODE_LIST,
  APP_ERROR_CODES,
  parseAppError,
} from "~/lib/app-error-codes";
import { AppError, appErrorResponse, findAppError } from "./errors";

describe("AppError", () => {
  it.each(APP_ERROR_CODE_LIST)("%s answers the HTTP status its table row promises", (code) => {
    const err = new AppError(code);
    expect(getHTTPStatusCodeFromError(err)).toBe(APP_ERROR_CODES[code].httpStatus);
    expect(err.code).toBe(APP_ERROR_CODES[code].trpcCode);
    expect(err.message).toBe(APP_ERROR_CODES[code].meaning);
    expect(parseAppError(err).code).toBe(code);
  });

  it("is found when wrapped as a cause", () => {
    const inner = new AppError("AUTH_NONCE_USED");
    expect(findAppError(new Error("outer", { cause: inner }))).toBe(inner);
    expect(findAppError(new Error("plain"))).toBeUndefined();
  });

  it("renders as a JSON response for plain route handlers", async () => {
    const res = appErrorResponse(new AppError("RATE_LIMITED", "slow down"), { "Retry-After": "3" });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3");
    expect(await res.json()).toEqual({ error: { code: "RATE_LIMITED", message: "slow down" } });
  });
});

describe("parseAppError", () => {
  it("reads data.appError and data.zodError from a client error", () => {
    const parsed = parseAppError({
      message: "x",
      data: {
        appError: { code: "VALIDATION_FAILED", message: "Invalid input: publicKey: bad" },
        zodError: { formErrors: [], fieldErrors: { publicKey: ["bad"] } },
      },
    });
    expect(parsed).toEqual({
      code: "VALIDATION_FAILED",
      message: "Invalid input: publicKey: bad",
      fieldErrors: { publicKey: ["bad"] },
      httpStatus: 400,
    });
  });

  it("turns anything unknown into INTERNAL without leaking its message", () => {
    expect(parseAppError(new Error("connection string postgres://secret"))).toEqual({
      code: "INTERNAL",
      message: APP_ERROR_CODES.INTERNAL.meaning,
      httpStatus: 500,
    });
    expect(parseAppError(undefined).code).toBe("INTERNAL");
    expect(parseAppError({ data: { appError: { code: "NOT_A_CODE" } } }).code).toBe("INTERNAL");
  });
});
