/**
 * The admin console in the real app on the e2e run's own local chain: a destructive action asks
 * first (Suspend opens a dialog that says what happens; Cancel and Escape change nothing, not on
 * chain and not in the app; Confirm suspends the meter on chain), and the indexer's health and
 * dead letters are shown (lag in slots and seconds, failed passes, open dead letters, last error).
 *
 * The meter is registered from Node, straight on the chain (a fresh owner key, a test airdrop):
 * the app learns of it through its indexer, as it learns of every registration.
 *
 * Retrying a dead letter is covered against the real chain and database in
 * server/indexer/dead-letters.test.ts (refused while the cause remains, resolved once it is
 * fixed, audited, admins only): the e2e server shares one indexer among all specs, and an open
 * dead letter would turn its health amber for the others.
 *
 * Playwright's plain `test`, as in meters-flow.spec.ts: fixtures/app's X-Forwarded-For header
 * would also go to the chain's JSON-RPC, whose CORS preflight does not allow it.
 */
import crypto from "node:crypto";
import { Keypair, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { expect, test, type Page } from "@playwright/test";
import {
  closeConnectionSocket,
  createConnection,
  createPrograms,
} from "~/server/solana/connection";
import { registerMeter, registerUser } from "~/server/solana/registry-actions";
import { meterAddress } from "~/programs/registry/client";
import { airdrop } from "~/server/solana/tx";
import { accountButton, connectWallet, startSignIn } from "./fixtures/app";
import { KEYS, publicKeyOf } from "./fixtures/keys";
import { installTestWallet } from "./fixtures/wallet";
import { E2E_RPC_URL, E2E_WS_URL } from "./support/settings";

/** A pending meter of a fresh owner, registered on chain; `status()` reads it back from the chain. */
async function registerPendingMeter() {
  const connection = createConnection(E2E_RPC_URL, E2E_WS_URL);
  const owner = Keypair.generate();
  const programs = createPrograms(connection, owner);
  const meterId = `e2e-admin-${crypto.randomBytes(4).toString("hex")}`;
  const { privateKey } = crypto.generateKeyPairSync("ed25519");
  await airdrop(connection, owner.publicKey, LAMPORTS_PER_SOL);
  await registerUser(programs, { wallet: owner, userType: "prosumer", name: "E2E admin console" });
  await registerMeter(programs, {
    owner,
    meterId,
    meterPublicKey: publicKeyOf(privateKey),
    ratedCapacityW: 5_000,
  });
  return {
    meterId,
    async status(): Promise<string> {
      const meter = await programs.registry.account.meter.fetch(meterAddress(meterId), "confirmed");
      return Object.keys(meter.status)[0] ?? "";
    },
    close: () => closeConnectionSocket(connection),
  };
}

async function signInAsAdmin(page: Page) {
  await installTestWallet(page, { secretKey: KEYS.admin.secretKey });
  await page.goto("/admin");
  await connectWallet(page);
  // "Consumer" answers the role question only where the dialog asks one (never for an admin).
  await startSignIn(page, "Consumer");
  await expect(accountButton(page, KEYS.admin.address)).toBeVisible();
}

test("Suspend asks first and says what happens: Cancel and Escape change nothing, Confirm suspends the meter on chain", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const meter = await registerPendingMeter();
  try {
    // Every setStatus call the console makes.
    const setStatusCalls: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("admin.meters.setStatus")) setStatusCalls.push(r.url());
    });
    await signInAsAdmin(page);

    // The indexer brought the chain's registration in: the meter waits in the pending list.
    const row = page.getByTestId(`admin-meter-${meter.meterId}`);
    await expect(row.getByText("pending", { exact: true })).toBeVisible();

    const dialog = page.getByRole("dialog", { name: `Suspend meter ${meter.meterId}?` });
    const openDialog = async () => {
      await row.getByRole("button", { name: "Suspend" }).click();
      await expect(dialog).toBeVisible();
    };

    // 1. Suspend opens a confirmation that says what happens; the focus is on Cancel.
    await openDialog();
    await expect(dialog).toHaveAccessibleDescription(
      /Nothing more is minted for this meter until an admin activates it again.*refuses its new readings.*audit log/,
    );
    const cancel = dialog.getByRole("button", { name: "Cancel" });
    await expect(cancel).toBeFocused();
    await expect(dialog.getByRole("button", { name: "Suspend meter" })).toBeVisible();

    // 2. Cancel: the dialog closes and nothing was sent; the meter is still pending, here and on chain.
    await cancel.click();
    await expect(dialog).toBeHidden();
    await expect(row.getByText("pending", { exact: true })).toBeVisible();
    expect(setStatusCalls).toEqual([]);
    expect(await meter.status()).toBe("pending");

    // 3. Escape does the same.
    await openDialog();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    expect(setStatusCalls).toEqual([]);
    expect(await meter.status()).toBe("pending");

    // 4. Confirm: one setStatus call; the chain has it suspended; the console says so and moves it.
    await openDialog();
    await dialog.getByRole("button", { name: "Suspend meter" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText(`Meter ${meter.meterId} is suspended`)).toBeVisible();
    expect(setStatusCalls).toHaveLength(1);
    expect(await meter.status()).toBe("suspended");
    await expect(row).toHaveCount(0);

    await page
      .getByRole("group", { name: "Filter meters" })
      .getByRole("button", { name: "suspended" })
      .click();
    await expect(row.getByText("suspended", { exact: true })).toBeVisible();
    await expect(row.getByRole("button", { name: "Activate" })).toBeVisible();
    await expect(row.getByRole("button", { name: "Suspend" })).toHaveCount(0);
  } finally {
    meter.close();
  }
});

test("health shows the indexer's lag in slots and seconds, failed passes, dead letters and last error; the dead-letter list has its empty state", async ({
  page,
}) => {
  await signInAsAdmin(page);

  // The server started its indexer itself; its passes keep it within the thresholds.
  await expect(page.getByTestId("health-indexer")).toContainText("ok · running");
  await expect(page.getByTestId("indexer-lag")).toHaveText(
    /^\d[\d,]* slots · \d+(\.\d)? s since the last pass$/,
  );
  await expect(page.getByTestId("indexer-failures")).toHaveText("0 in a row");
  await expect(page.getByTestId("indexer-dead-letters")).toHaveText("0 open");
  // Nothing failed yet in this run, or the last failure with its time.
  await expect(page.getByTestId("indexer-last-error")).toHaveText(/^(none|.+ · .+)$/);

  // No transaction was dead-lettered in this run: the panel says so (and what it would hold).
  const panel = page.getByRole("region", { name: "Indexer dead letters" });
  await expect(panel).toContainText("could not apply after 3 attempts");
  await expect(
    panel.getByText("No open dead letters: every chain transaction is indexed."),
  ).toBeVisible();
  await expect(page.getByTestId("dead-letter-list")).toHaveCount(0);
});
