/**
 * The whole meter flow in the real app on the e2e run's own local chain (e2e/support/e2e-chain.ts):
 * a prosumer signs in with the injected wallet and registers a meter from the Meters page (the
 * wallet signs the Registry transaction, in Node); an admin in a separate browser activates it
 * (operator key, server side); the meter's signed readings are POSTed to the gateway; the admin
 * runs the mint poller; the prosumer's dashboard shows exactly the expected GRID.
 *
 * Playwright's plain `test` (not fixtures/app's): that one adds an X-Forwarded-For header to every
 * request of the context, and the browser also sends it to the chain's JSON-RPC, whose CORS
 * preflight (rightly) does not allow it. Here each page gets its own client address on the app's
 * own API requests only (ownClientAddress), so the tests' sign-ins never share one rate limit.
 */
import crypto from "node:crypto";
import bs58 from "bs58";
import { registryAddress } from "~/programs/registry/client";
import { encodeReading } from "~/lib/meter-reading";
import { expect, test, type Page } from "@playwright/test";
import { accountButton, connectWallet, ownClientAddress, startSignIn } from "./fixtures/app";
import { KEYS, publicKeyOf, testKey } from "./fixtures/keys";
import { installTestWallet } from "./fixtures/wallet";

/** A fresh prosumer signed in on the Meters page, with 1 test SOL for fees and rent. */
async function prosumerOnMetersPage(page: Page, address: string) {
  await ownClientAddress(page);
  await page.goto("/meters");
  await connectWallet(page);
  await startSignIn(page, "Prosumer");
  await expect(accountButton(page, address)).toBeVisible();
  await page.getByRole("button", { name: "Get 1 test SOL" }).click();
  await expect(page.getByRole("button", { name: "Get 1 test SOL" })).toHaveCount(0);
}

function meterKeys() {
  const { privateKey } = crypto.generateKeyPairSync("ed25519");
  return { privateKey, publicKey: publicKeyOf(privateKey) };
}

test("a prosumer's registered meter, activated by an admin, turns signed readings into exactly the GRID expected", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const key = testKey(`meters-flow-${crypto.randomUUID()}`);
  const wallet = await installTestWallet(page, { secretKey: key.secretKey });
  await ownClientAddress(page);
  const meterId = `e2e-${crypto.randomBytes(4).toString("hex")}`;
  const meter = meterKeys();

  // 1. The prosumer signs in on the Meters page; a fresh wallet has no SOL yet.
  await page.goto("/meters");
  await connectWallet(page);
  await startSignIn(page, "Prosumer");
  await expect(accountButton(page, key.address)).toBeVisible();
  // Signed in: the live-updates stream (tRPC subscription over SSE) is open.
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
  await expect(page.getByTestId("registration-hint")).toContainText(
    "isn't registered on chain yet",
  );
  await page.getByRole("button", { name: "Get 1 test SOL" }).click();
  await expect(page.getByRole("button", { name: "Get 1 test SOL" })).toHaveCount(0);

  // 2. Register the meter: one wallet signature covers register_user + register_meter.
  await page.getByLabel("Meter id").fill(meterId);
  await page.getByLabel("Meter public key (base58)").fill(bs58.encode(meter.publicKey));
  await page.getByLabel("Rated capacity (W)").fill("50000");
  await page.getByRole("button", { name: "Register meter" }).click();
  const card = page.getByTestId(`meter-${meterId}`);
  await expect(card.getByText("pending", { exact: true })).toBeVisible();
  expect(wallet.signedTransactions).toHaveLength(1);
  expect(wallet.signedTransactions[0]!.address).toBe(key.address);
  await expect(page.getByTestId("registration-hint")).toContainText("is registered on chain");

  // 3. The admin, in their own browser, activates it.
  const adminContext = await browser.newContext();
  try {
    const admin = await adminContext.newPage();
    await installTestWallet(admin, { secretKey: KEYS.admin.secretKey });
    await ownClientAddress(admin);
    await admin.goto("/admin");
    await connectWallet(admin);
    await startSignIn(admin, "Consumer");
    await expect(accountButton(admin, KEYS.admin.address)).toBeVisible();
    // The server started its indexer itself (INDEXER_AUTOSTART); nothing has called a cron route yet.
    await expect(admin.getByTestId("health-indexer")).toContainText("ok · running");
    const row = admin.getByTestId(`admin-meter-${meterId}`);
    await row.getByRole("button", { name: "Activate" }).click();
    // The pending list no longer holds it once the chain has it active.
    await expect(row).toHaveCount(0);
    // The prosumer's page picks it up on its next refresh (every 10 s).
    await expect(card.getByText("active", { exact: true })).toBeVisible({ timeout: 20_000 });

    // 4. The meter signs four readings of its cumulative registers; the gateway stores each one
    // (201). The first after activation is the baseline (years of registers, worth 0 Wh); the
    // three after it carry 400 + 70 + 60 Wh produced and 100 + 20 + 10 Wh consumed.
    const now = Math.floor(Date.now() / 1000);
    const readings = [
      { production: 8_765_432n, consumption: 1_234_567n, timestamp: now },
      { production: 8_765_832n, consumption: 1_234_667n, timestamp: now + 60 },
      { production: 8_765_902n, consumption: 1_234_687n, timestamp: now + 120 },
      { production: 8_765_962n, consumption: 1_234_697n, timestamp: now + 180 },
    ];
    for (const r of readings) {
      const message = encodeReading({
        meterId,
        productionRegisterWh: r.production,
        consumptionRegisterWh: r.consumption,
        timestamp: r.timestamp,
      });
      const signature = crypto.sign(null, message, meter.privateKey);
      const res = await page.request.post("/api/meters/submit", {
        data: {
          data: {
            meter_id: meterId,
            production_register: Number(r.production),
            consumption_register: Number(r.consumption),
            timestamp: r.timestamp,
          },
          signature: bs58.encode(signature),
          public_key: bs58.encode(meter.publicKey),
        },
      });
      expect(res.status(), await res.text()).toBe(201);
    }
    const last = readings.at(-1)!;
    const expectedWh =
      last.production - readings[0]!.production - (last.consumption - readings[0]!.consumption);
    expect(expectedWh).toBe(400n);

    // 5. The admin runs the mint poller now.
    await admin.getByRole("button", { name: "Run now" }).click();
    await expect(admin.getByTestId("poller-summary")).toContainText("4 readings confirmed");
    await expect(admin.getByTestId("poller-summary")).toContainText("minted 0.4 GRID");
    // The prosumer hears of the mint live (indexer → event bus → SSE), without reloading.
    await expect(page.getByText("0.4 GRID minted")).toBeVisible({ timeout: 20_000 });
  } finally {
    await adminContext.close();
  }

  // 6. The prosumer's meter shows what was minted for it, and the dashboard's GRID balance (read
  // from the chain in the browser) is exactly 400 Wh = 0.4 GRID.
  await expect(card.getByTestId("meter-minted")).toHaveText("0.4 GRID", { timeout: 20_000 });
  // Its readings: the chart, and the table newest first, each confirmed on chain.
  await expect(page.getByRole("img", { name: "Production and consumption chart" })).toBeVisible();
  const rows = page.getByTestId("readings-table").locator("tbody tr");
  await expect(rows).toHaveCount(4); // the baseline and three intervals
  await expect(rows.first()).toContainText("60 Wh");
  await expect(rows.filter({ hasText: "confirmed" })).toHaveCount(4, { timeout: 20_000 });
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Dashboard", exact: true })
    .click();
  await expect(page.getByTestId("grid-balance")).toHaveText("0.4 GRID", { timeout: 20_000 });
  await expect(page.getByText("Registered in the Registry")).toBeVisible();
  // The mint history comes from the indexer (started with the server): the same 0.4 GRID.
  await expect(page.getByText("+0.4 GRID")).toBeVisible({ timeout: 30_000 });
  // …with the time it happened, never a slot number.
  const mintTime = page.getByTestId("mint-history").getByTestId("mint-time").first();
  await expect(mintTime).not.toHaveText("");
  await expect(mintTime).not.toContainText("slot");

  // The display name is the app's own (users.updateProfile) and survives a reload.
  await page.getByLabel("Display name").fill("Khun Somchai");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Name saved")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Display name")).toHaveValue("Khun Somchai");
});

test("a double-clicked Register meter registers one meter; the form then starts afresh, and the same key on another id is refused before the wallet is asked", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const key = testKey(`meters-double-${crypto.randomUUID()}`);
  const wallet = await installTestWallet(page, { secretKey: key.secretKey });
  await prosumerOnMetersPage(page, key.address);

  const meterId = `e2e-dbl-${crypto.randomBytes(3).toString("hex")}`;
  await page.getByLabel("Meter id").fill(meterId);
  await page.getByRole("button", { name: "Generate" }).click();
  const publicKey = await page.getByLabel("Meter public key (base58)").inputValue();
  await page.getByRole("button", { name: "Register meter" }).dblclick();
  await expect(
    page.getByTestId(`meter-${meterId}`).getByText("pending", { exact: true }),
  ).toBeVisible();
  expect(wallet.requests.filter((r) => r.kind === "signTransaction")).toHaveLength(1);
  await expect(page.getByTestId("meter-list").locator("[data-testid^='meter-e2e-']")).toHaveCount(
    1,
  );

  // After success: a new id, an empty key field; the secret of the registered meter stays shown.
  await expect(page.getByLabel("Meter public key (base58)")).toHaveValue("");
  await expect(page.getByLabel("Meter id")).not.toHaveValue(meterId);
  await expect(page.getByText("Save this meter secret now")).toBeVisible();
  // Clicking again without a key asks for one.
  await page.getByRole("button", { name: "Register meter" }).click();
  await expect(page.getByTestId("register-error")).toHaveText(
    "Enter the meter's public key, or generate a key pair.",
  );

  // The same device key on another meter id: refused with its message, the wallet not asked.
  await page.getByLabel("Meter public key (base58)").fill(publicKey);
  await page.getByRole("button", { name: "Register meter" }).click();
  await expect(page.getByTestId("register-error")).toHaveText(
    "This device key is already registered to another meter: one key belongs to one meter. Generate a new key for this meter.",
  );
  expect(wallet.requests.filter((r) => r.kind === "signTransaction")).toHaveLength(1);
});

test("declining the registration in the wallet says so and registers nothing", async ({ page }) => {
  const key = testKey(`meters-reject-${crypto.randomUUID()}`);
  const wallet = await installTestWallet(page, {
    secretKey: key.secretKey,
    behaviour: { rejectSignTransaction: true },
  });
  await prosumerOnMetersPage(page, key.address);

  // A key generated in the browser: its secret is shown once, with a warning.
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByText("Save this meter secret now")).toBeVisible();
  const secret = await page.getByTestId("generated-secret").textContent();
  expect(bs58.decode(secret ?? "")).toHaveLength(32);

  await page.getByRole("button", { name: "Register meter" }).click();
  await expect(page.getByTestId("register-error")).toHaveText(
    "You declined the transaction in your wallet. Nothing was sent.",
  );
  expect(wallet.requests.filter((r) => r.kind === "signTransaction")).toHaveLength(1);
  expect(wallet.signedTransactions).toHaveLength(0);
  await expect(page.getByText("You have no meters yet.")).toBeVisible();
  await expect(page.getByTestId("registration-hint")).toContainText(
    "isn't registered on chain yet",
  );
});

test("a key that is not an Ed25519 point is refused on chain, shown by the program's error name", async ({
  page,
}) => {
  const key = testKey(`meters-badkey-${crypto.randomUUID()}`);
  const wallet = await installTestWallet(page, { secretKey: key.secretKey });
  await prosumerOnMetersPage(page, key.address);

  // A program-derived address is 32 bytes of base58 but off the curve: no device can own it.
  await page.getByLabel("Meter public key (base58)").fill(registryAddress().toBase58());
  await page.getByRole("button", { name: "Register meter" }).click();
  await expect(page.getByTestId("register-error")).toContainText(
    "The Registry refused it: InvalidMeterKey",
  );
  expect(wallet.signedTransactions).toHaveLength(1);
  await expect(page.getByText("You have no meters yet.")).toBeVisible();
});

test.describe("phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("the dashboard and the meters page fit a phone screen without sideways scrolling", async ({
    page,
  }) => {
    const key = testKey(`meters-phone-${crypto.randomUUID()}`);
    await installTestWallet(page, { secretKey: key.secretKey });
    await ownClientAddress(page);
    await page.goto("/meters");
    await connectWallet(page);
    await startSignIn(page, "Prosumer");
    await expect(page.getByRole("heading", { name: "Register a meter" })).toBeVisible();
    const overflow = () =>
      page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Wallet balances" })).toBeVisible();
    await expect(page.getByTestId("grid-balance")).toHaveText("0 GRID");
    expect(await overflow()).toBeLessThanOrEqual(0);
  });
});
