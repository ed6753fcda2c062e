/**
 * The THB bridge end to end, on the e2e run's own Solana chain, THB-chain simulator (blocks every
 * 500 ms, 2 confirmations) and bridge service timer (e2e/support/app-server.ts): a user funds
 * their local THB account, sends THB to the bridge from the Wallet page, and sees exactly that
 * THBC on the Wallet page and the dashboard; withdraws part (their wallet signs) and sees the THB
 * arrive on their THB account. Refusals are readable and send nothing.
 *
 * Playwright's plain `test` with ownClientAddress (see meters-flow.spec.ts): the browser talks to
 * the chain's JSON-RPC, whose CORS preflight refuses an X-Forwarded-For header on every request.
 */
import crypto from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { accountButton, connectWallet, ownClientAddress, startSignIn } from "./fixtures/app";
import { testKey } from "./fixtures/keys";
import { installTestWallet } from "./fixtures/wallet";
import { E2E_THB_CHAIN_URL } from "./support/settings";

interface ThbAccountView {
  balance: string;
  confirmedBalance: string;
  pendingBalance: string;
}
interface ThbTransfersView {
  transfers: { to: string; from: string | null; kind: string; amount: string; memo: string }[];
}

/** The simulator's own view of an account, from Node (not through the app). */
async function thbAccount(address: string): Promise<ThbAccountView> {
  const res = await fetch(`${E2E_THB_CHAIN_URL}/accounts/${address}`);
  expect(res.ok).toBe(true);
  return (await res.json()) as ThbAccountView;
}

async function thbTransfers(address: string): Promise<ThbTransfersView["transfers"]> {
  const res = await fetch(`${E2E_THB_CHAIN_URL}/accounts/${address}/transfers?includeDropped=true`);
  expect(res.ok).toBe(true);
  return ((await res.json()) as ThbTransfersView).transfers;
}

/** A fresh user signed in on the Wallet page; returns their local THB account's address. */
async function signedInOnWalletPage(page: Page, address: string): Promise<string> {
  await ownClientAddress(page);
  await page.goto("/wallet");
  await connectWallet(page);
  await startSignIn(page, "Consumer");
  await expect(accountButton(page, address)).toBeVisible();
  await expect(page.getByTestId("wallet-thbc-balance")).toHaveText("0 THBC");
  const thbAddress = (await page.getByTestId("thb-account").textContent())!.trim();
  expect(thbAddress).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
  await expect(page.getByTestId("thb-balance")).toHaveText("0 THB");
  return thbAddress;
}

test("a user deposits THB on the simulator and sees exactly that THBC on the wallet page and dashboard; withdraws part and the THB arrives", async ({
  page,
}) => {
  test.setTimeout(150_000);
  const key = testKey(`bridge-${crypto.randomUUID()}`);
  const wallet = await installTestWallet(page, { secretKey: key.secretKey });
  const thbAddress = await signedInOnWalletPage(page, key.address);
  // The deposit address and the memo the bridge needs: the user's own wallet.
  await expect(page.getByTestId("thb-deposit-memo")).toHaveText(key.address);
  await expect(page.getByTestId("thb-deposit-address")).not.toHaveText("");
  const depositAddress = (await page.getByTestId("thb-deposit-address").textContent())!.trim();
  await expect(page.getByText("No deposits yet.")).toBeVisible();

  // 1. The faucet funds the local THB account.
  await page.getByRole("button", { name: "Fund my THB account" }).click();
  await expect(page.getByTestId("thb-balance")).toHaveText("1,000 THB");

  // 2. Send THB: one click; the server signs the transfer with the user's dev THB key.
  await page.getByLabel("Amount to deposit (THB)").fill("250.125");
  await page.getByRole("button", { name: "Send THB" }).click();
  await expect(page.getByText("250.125 THB sent to the bridge")).toBeVisible();
  await expect(page.getByTestId("thb-balance")).toHaveText("749.875 THB");
  const sent = (await thbTransfers(thbAddress)).filter((t) => t.to === depositAddress);
  expect(sent).toEqual([expect.objectContaining({ from: thbAddress, amount: "250125000", memo: key.address })]);

  // 3. The deposit goes seen → confirming n/2 → minted; the wallet page shows exactly that THBC.
  const deposit = page.getByTestId("deposit-row");
  await expect(deposit).toHaveCount(1);
  await expect(deposit.getByTestId("deposit-amount")).toHaveText("+250.125 THBC");
  await expect(deposit).toHaveAttribute("data-stage", "minted", { timeout: 30_000 });
  await expect(deposit).toContainText("Minted");
  await expect(deposit).toContainText("mint tx");
  await expect(page.getByTestId("wallet-thbc-balance")).toHaveText("250.125 THBC");

  // …and so does the dashboard, read from the chain in the browser.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard", exact: true }).click();
  await expect(page.getByTestId("thbc-balance")).toHaveText("250.125 THBC", { timeout: 20_000 });
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Wallet", exact: true }).click();
  await expect(page.getByTestId("wallet-thbc-balance")).toHaveText("250.125 THBC");

  // 4. Withdraw part of it to the local THB account (the default destination); the wallet signs.
  await page.getByRole("button", { name: "Get 1 test SOL" }).click();
  await expect(page.getByRole("button", { name: "Get 1 test SOL" })).toHaveCount(0);
  await expect(page.getByLabel("THB destination address")).toHaveValue(thbAddress);
  await expect(page.getByTestId("withdraw-available")).toHaveText("Available: 250.125 THBC");
  await page.getByLabel("Amount to withdraw (THBC)").fill("100.5");
  await page.getByRole("button", { name: "Withdraw", exact: true }).click();
  await expect(page.getByText("Withdrawal of 100.5 THBC requested")).toBeVisible({ timeout: 20_000 });
  expect(wallet.signedTransactions).toHaveLength(1);
  expect(wallet.signedTransactions[0]!.address).toBe(key.address);
  // Burned at once.
  await expect(page.getByTestId("wallet-thbc-balance")).toHaveText("149.625 THBC");

  // 5. The bridge pays it out: pending → paid, and the THB arrives on the user's THB account.
  const withdrawal = page.getByTestId("withdrawal-row");
  await expect(withdrawal).toHaveCount(1);
  await expect(withdrawal.getByTestId("withdrawal-amount")).toHaveText("−100.5 THBC");
  await expect(withdrawal).toHaveAttribute("data-stage", "paid", { timeout: 30_000 });
  await expect(page.getByTestId("thb-balance")).toHaveText("850.375 THB", { timeout: 20_000 });
  await expect.poll(async () => (await thbAccount(thbAddress)).confirmedBalance, { timeout: 20_000 }).toBe("850375000");
  const payouts = (await thbTransfers(thbAddress)).filter((t) => t.to === thbAddress && t.kind === "transfer");
  expect(payouts).toEqual([expect.objectContaining({ from: depositAddress, amount: "100500000" })]);
  expect(payouts[0]!.memo).toMatch(/^gtx-withdrawal:/);

  // The dashboard agrees; nothing else was signed.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard", exact: true }).click();
  await expect(page.getByTestId("thbc-balance")).toHaveText("149.625 THBC", { timeout: 20_000 });
  expect(wallet.signedTransactions).toHaveLength(1);
});

test("over the balance is refused with a readable message and nothing is sent: a THB deposit and a THBC withdrawal; the page fits a 390 px phone", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 390, height: 844 });
  const key = testKey(`bridge-refuse-${crypto.randomUUID()}`);
  const wallet = await installTestWallet(page, { secretKey: key.secretKey });
  const thbAddress = await signedInOnWalletPage(page, key.address);
  await page.getByRole("button", { name: "Fund my THB account" }).click();
  await expect(page.getByTestId("thb-balance")).toHaveText("1,000 THB");

  // More THB than the account holds: refused before anything is sent.
  await page.getByLabel("Amount to deposit (THB)").fill("1000.000001");
  await page.getByRole("button", { name: "Send THB" }).click();
  await expect(page.getByTestId("deposit-error")).toHaveText(
    "Your THB account holds 1,000 THB: you can deposit at most that. Nothing was sent.",
  );
  // Zero and nonsense are refused too.
  await page.getByLabel("Amount to deposit (THB)").fill("0");
  await page.getByRole("button", { name: "Send THB" }).click();
  await expect(page.getByTestId("deposit-error")).toHaveText("The amount must be more than 0");
  await page.getByLabel("Amount to deposit (THB)").fill("12,5.5.5");
  await page.getByRole("button", { name: "Send THB" }).click();
  await expect(page.getByTestId("deposit-error")).toContainText("at most 6 decimals");

  // More THBC than the wallet holds (none): refused, the wallet never asked.
  await page.getByLabel("Amount to withdraw (THBC)").fill("5");
  await page.getByRole("button", { name: "Withdraw", exact: true }).click();
  await expect(page.getByTestId("withdraw-error")).toHaveText(
    "Your wallet holds 0 THBC: you can withdraw at most that. Nothing was sent.",
  );
  // A destination that is not a THB address.
  await page.getByLabel("THB destination address").fill("not-a-thb-address");
  await page.getByRole("button", { name: "Withdraw", exact: true }).click();
  await expect(page.getByTestId("withdraw-error")).toBeVisible();

  expect(wallet.signedTransactions).toHaveLength(0);
  const transfers = await thbTransfers(thbAddress);
  expect(transfers.map((t) => t.kind)).toEqual(["fund"]);
  expect((await thbAccount(thbAddress)).pendingBalance).toBe("1000000000");
  await expect(page.getByText("No deposits yet.")).toBeVisible();
  await expect(page.getByText("No withdrawals yet.")).toBeVisible();

  // 390 px: no sideways scroll.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
