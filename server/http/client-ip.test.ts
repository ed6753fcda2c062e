import { describe, expect, it } from "vitest";
import { clientIp } from "./client-ip";

describe("clientIp", () => {
  it("takes the first X-Forwarded-For hop, trimmed", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": " 203.0.113.7 , 10.0.0.1, 10.0.0.2" }))).toBe("203.0.113.7");
  });

  it("prefers X-Forwarded-For over X-Real-IP", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "203.0.113.7", "x-real-ip": "198.51.100.1" }))).toBe("203.0.113.7");
  });

  it("falls back to X-Real-IP when X-Forwarded-For is missing or empty", () => {
    expect(clientIp(new Headers({ "x-real-ip": " 198.51.100.1 " }))).toBe("198.51.100.1");
    expect(clientIp(new Headers({ "x-forwarded-for": " , 10.0.0.1", "x-real-ip": "198.51.100.1" }))).toBe("198.51.100.1");
  });

  it("says unknown without either header", () => {
    expect(clientIp(new Headers())).toBe("unknown");
    expect(clientIp(new Headers({ "x-real-ip": "  " }))).toBe("unknown");
  });
});
