/**
 * A meter's readings on a 390 px phone (issue 20): every column of the readings table is on
 * screen (each reading a labelled card), nothing clipped, no sideways scroll. The meter is
 * registered from the Meters page, activated by the admin in another browser, and its readings are
 * signed and posted with the gateway tests' shared helper (server/meters/test-support), so this
 * follows the reading format wherever it goes. Plain Playwright `test`: the page reads the chain
 * (see meters-flow.spec.ts); each page is its own client on the app's /api requests
 * (ownClientAddress).
 */
import crypto from "node:crypto";
import bs58 from "bs58";
import { expect, test } from "@playwright/test";
import { generateMeterKeyPair } from "~/lib/meter-reading";
import { signedBody, type TestMeter } from "~/server/meters/test-support";
import { accountButton, connectWallet, ownClientAddress, startSignIn } from "./fixtures/app";
import { KEYS, testKey } from "./fixtures/keys";
import { installTestWallet } from "./fixtures/wallet";

test.describe("phone, 390 px", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("a meter's readings show every column, unclipped, without sideways scrolling", async ({
    page,
    browser,
  }) => {
    test.setTimeout(180_000);
    const key = testKey(`meters-phone-readings-${crypto.randomUUID()}`);
    await installTestWallet(page, { secretKey: key.secretKey });
    await ownClientAddress(page);
    const keys = generateMeterKeyPair();
    const meter: TestMeter = {
      meterId: `e2e-ph-${crypto.randomBytes(4).toString("hex")}`,
      keys,
      publicKey: bs58.encode(keys.publicKey),
    };

    await page.goto("/meters");
    await connectWallet(page);
    await startSignIn(page, "Prosumer");
    await expect(accountButton(page, key.address)).toBeVisible();
    await page.getByRole("button", { name: "Get 1 test SOL" }).click();
    await expect(page.getByRole("button", { name: "Get 1 test SOL" })).toHaveCount(0);
    await page.getByLabel("Meter id").fill(meter.meterId);
    await page.getByLabel("Meter public key (base58)").fill(meter.publicKey);
    await page.getByLabel("Rated capacity (W)").fill("5000");
    await page.getByRole("button", { name: "Register meter" }).click();
    const card = page.getByTestId(`meter-${meter.meterId}`);
    await expect(card.getByText("pending", { exact: true })).toBeVisible();

    const adminContext = await browser.newContext();
    try {
      const admin = await adminContext.newPage();
      await installTestWallet(admin, { secretKey: KEYS.admin.secretKey });
      await ownClientAddress(admin);
      await admin.goto("/admin");
      await connectWallet(admin);
      await startSignIn(admin, "Consumer");
      const row = admin.getByTestId(`admin-meter-${meter.meterId}`);
      await row.getByRole("button", { name: "Activate" }).click();
      await expect(row).toHaveCount(0);
    } finally {
      await adminContext.close();
    }
    await expect(card.getByText("active", { exact: true })).toBeVisible({ timeout: 20_000 });

    // Three signed readings of the cumulative registers, oldest first, each accepted by the
    // gateway: the first after activation is the baseline, the others carry the energy (within
    // the 5 kW rated capacity: at most 83 Wh a minute).
    const now = Math.floor(Date.now() / 1000);
    const readings = [
      { production: 8_765_432, consumption: 1_234_567, timestamp: now },
      { production: 8_765_492, consumption: 1_234_577, timestamp: now + 60 },
      { production: 8_765_542, consumption: 1_234_597, timestamp: now + 120 },
    ];
    for (const r of readings) {
      const res = await page.request.post("/api/meters/submit", { data: signedBody(meter, r) });
      expect(res.status(), await res.text()).toBe(201);
    }

    const table = page.getByTestId("readings-table");
    const rows = table.locator("tbody tr");
    await expect(rows).toHaveCount(3, { timeout: 20_000 });
    await rows.first().scrollIntoViewIfNeeded();

    const layout = await table.evaluate((el) => {
      const width = document.documentElement.clientWidth;
      const columns = el.querySelectorAll("thead th").length;
      const problems: string[] = [];
      const bodyRows = [...el.querySelectorAll("tbody tr")];
      bodyRows.forEach((tr, i) => {
        const cells = [...tr.querySelectorAll("td")];
        if (cells.length !== columns)
          problems.push(`row ${i}: ${cells.length} of ${columns} cells`);
        cells.forEach((td, j) => {
          const r = td.getBoundingClientRect();
          const style = getComputedStyle(td);
          if (
            style.display === "none" ||
            style.visibility === "hidden" ||
            r.width === 0 ||
            r.height === 0
          )
            problems.push(`row ${i} column ${j}: not shown`);
          if (r.left < -0.5 || r.right > width + 0.5)
            problems.push(
              `row ${i} column ${j}: ${Math.round(r.left)}–${Math.round(r.right)} outside 0–${width}`,
            );
          if (td.scrollWidth > td.clientWidth + 1)
            problems.push(`row ${i} column ${j}: content clipped`);
          if ((td.textContent ?? "").trim() === "") problems.push(`row ${i} column ${j}: empty`);
        });
      });
      return {
        columns,
        rows: bodyRows.length,
        problems,
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      };
    });
    expect(layout).toEqual({ columns: 4, rows: 3, problems: [], overflow: 0 });
    // Each value on a card says which column it is (the header row is for screen readers there).
    const firstCells = rows.first().locator("td");
    const labels = await firstCells.evaluateAll((tds) =>
      tds.map((td) => getComputedStyle(td, "::before").content),
    );
    expect(labels.slice(1, 3)).toEqual(['"Production"', '"Consumption"']);
  });
});
