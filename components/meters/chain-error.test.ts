import { describe, expect, it } from "vitest";
import { describeTxError, programErrorOf } from "./chain-error";

describe("transaction error text", () => {
  it("a wallet rejection says nothing was sent", () => {
    expect(
      describeTxError(Object.assign(new Error("User rejected the request."), { code: 4001 })),
    ).toBe("You declined the transaction in your wallet. Nothing was sent.");
  });
  it("names the program error from Anchor-style logs", () => {
    const err = Object.assign(new Error("Simulation failed"), {
      logs: [
        "Program log: AnchorError occurred. Error Code: MeterAlreadyRegistered. Error Number: 6005. Error Message: x.",
      ],
    });
    expect(programErrorOf(err)?.name).toBe("MeterAlreadyRegistered");
    expect(describeTxError(err)).toContain("MeterAlreadyRegistered");
  });
  it("maps a bare custom program error code to its IDL name", () => {
    const err = new Error("failed to send transaction: custom program error: 0x1773");
    expect(programErrorOf(err)).toEqual({
      name: "InvalidMeterKey",
      message:
        "Meter public key must be the canonical encoding of an Ed25519 point outside the small-order subgroup",
    });
  });
});
