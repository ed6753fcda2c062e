/** users.me / users.updateProfile on a real database. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "~/db/testing";
import { createBrowser, createWallet, signInWith, testAuthConfig } from "../testing";

let tdb: TestDb;
const auth = testAuthConfig();

beforeAll(async () => {
  tdb = await createTestDb();
});
afterAll(async () => {
  await tdb?.close();
});

describe("users router", () => {
  it("refuses without a session", async () => {
    const browser = createBrowser(tdb, auth);
    await expect(browser.call((c) => c.users.me())).rejects.toMatchObject({ appCode: "UNAUTHENTICATED" });
    await expect(browser.call((c) => c.users.updateProfile({ name: "x" }))).rejects.toMatchObject({
      appCode: "UNAUTHENTICATED",
    });
  });

  it("returns the signed-in user's profile and updates the name (trimmed; blank clears it)", async () => {
    const wallet = createWallet();
    const browser = createBrowser(tdb, auth);
    await signInWith(browser, wallet, "prosumer");
    const me = await browser.call((c) => c.users.me());
    expect(me).toMatchObject({ wallet: wallet.publicKey, role: "prosumer", name: null, status: "active", registeredOnChain: false });

    const updated = await browser.call((c) => c.users.updateProfile({ name: "  Somchai's roof  " }));
    expect(updated.name).toBe("Somchai's roof");
    expect((await browser.call((c) => c.users.me())).name).toBe("Somchai's roof");

    const cleared = await browser.call((c) => c.users.updateProfile({ name: "   " }));
    expect(cleared.name).toBeNull();
  });

  it("rejects a name over 80 characters with VALIDATION_FAILED and changes nothing", async () => {
    const browser = createBrowser(tdb, auth);
    await signInWith(browser, createWallet(), "consumer");
    await browser.call((c) => c.users.updateProfile({ name: "kept" }));
    await expect(browser.call((c) => c.users.updateProfile({ name: "x".repeat(81) }))).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect((await browser.call((c) => c.users.me())).name).toBe("kept");
  });
});
