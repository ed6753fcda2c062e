/**
 * Smoke test of the shell and of wallet sign-in, in the real app with Debian's Chromium. The
 * wallet is the injected Wallet Standard wallet from fixtures/wallet.ts; everything else is real:
 * the Next.js server, tRPC, the database, Redis-backed rate limits, the session cookie.
 */
import { KEYS } from "./fixtures/keys";
import {
  accountButton,
  connectWallet,
  expect,
  finishSignIn,
  sessionOf,
  short,
  startSignIn,
  test,
} from "./fixtures/app";
import { installTestWallet } from "./fixtures/wallet";
import { E2E_APP_DOMAIN, E2E_GENESIS_HASH } from "./support/settings";

const CONNECT_FIRST = "Connect your wallet to get started";
/** What each page says to a visitor: the Trade page shows the public book and asks to sign in to trade. */
const PAGES = [
  { link: "Dashboard", path: "/", heading: "Dashboard", signedOut: CONNECT_FIRST },
  {
    link: "Trade",
    path: "/trade",
    heading: "Trade",
    signedOut: "Connect your wallet and sign in to buy or sell energy",
  },
  { link: "Meters", path: "/meters", heading: "Meters", signedOut: CONNECT_FIRST },
  { link: "Certificates", path: "/certificates", heading: "Certificates", signedOut: CONNECT_FIRST },
  { link: "Wallet", path: "/wallet", heading: "Wallet", signedOut: CONNECT_FIRST },
] as const;

test.describe("shell", () => {
  test("every navigation link resolves to its page", async ({ page }) => {
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const { link, path, heading, signedOut } of PAGES) {
      await nav.getByRole("link", { name: link, exact: true }).click();
      await expect(page).toHaveURL(path);
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      await expect(nav.getByRole("link", { name: link, exact: true })).toHaveAttribute(
        "aria-current",
        "page",
      );
      // Signed out, each page says what to do first instead of showing someone's numbers.
      await expect(page.getByText(signedOut)).toBeVisible();
    }
    // Admin is not offered to visitors, and its page says so when opened directly.
    await expect(nav.getByRole("link", { name: "Admin" })).toHaveCount(0);
    const admin = await page.goto("/admin");
    expect(admin?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1, name: "Admin console" })).toBeVisible();
    await expect(page.getByText("Connect your wallet to get started")).toBeVisible();
  });

  test("an unknown address shows the not-found page", async ({ page }) => {
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "This page doesn't exist" })).toBeVisible();
    await page.getByRole("link", { name: "Back to the dashboard" }).click();
    await expect(page).toHaveURL("/");
  });

  test("the theme follows the system and remembers an explicit choice", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/");
    const html = page.locator("html");
    await expect(html).toHaveClass(/\bdark\b/);
    const toggle = page.getByRole("button", { name: /^Theme: / });
    await expect(toggle).toHaveAttribute("data-theme-preference", "system");
    await toggle.click(); // system → light
    await expect(toggle).toHaveAttribute("data-theme-preference", "light");
    await expect(html).not.toHaveClass(/\bdark\b/);
    // The choice survives a reload and is applied before the app hydrates (no flash): the
    // inline script in <head> has already set the class when the document is parsed.
    await page.reload({ waitUntil: "domcontentloaded" });
    expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(
      false,
    );
    // Hydrated, the toggle shows the stored choice (and only then does it respond to clicks).
    await expect(toggle).toHaveAttribute("data-theme-preference", "light");
    await toggle.click(); // light → dark
    await expect(html).toHaveClass(/\bdark\b/);
    await page.emulateMedia({ colorScheme: "light" });
    await page.reload();
    await expect(html).toHaveClass(/\bdark\b/);
  });
});

test.describe("wallet sign-in", () => {
  test("a prosumer connects, signs in, sees the role, stays signed in after a reload, signs out", async ({
    page,
  }) => {
    const key = KEYS.prosumer;
    const wallet = await installTestWallet(page, { secretKey: key.secretKey });
    await page.goto("/");
    await connectWallet(page);
    expect(wallet.requests).toContainEqual({ kind: "connect", silent: false });

    await startSignIn(page, "Prosumer");
    const account = accountButton(page, key.address);
    await expect(account).toBeVisible();
    await expect(account).toContainText(short(key.address));
    await expect(account.getByTestId("role-badge")).toHaveText("Prosumer");

    // Exactly one message was signed, and it is the sign-in message for this site, this
    // account and this cluster.
    expect(wallet.signedMessages).toHaveLength(1);
    const signed = wallet.signedMessages[0]!;
    expect(signed.address).toBe(key.address);
    expect(signed.text).toContain(
      `${E2E_APP_DOMAIN} wants you to sign in with your Solana account:`,
    );
    expect(signed.text).toContain(`\n${key.address}\n`);
    expect(signed.text).toContain(E2E_GENESIS_HASH);
    // A new account: the dialog asked for a display name after the signature (fixtures/app).
    expect(await sessionOf(page)).toEqual({
      wallet: key.address,
      role: "prosumer",
      name: "E2E Prosumer",
    });

    // Not an admin: no console in the navigation.
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Trade" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Admin" })).toHaveCount(0);
    // The pages now speak to a signed-in user: the dashboard shows their wallet.
    await expect(page.getByRole("heading", { name: "Wallet balances" })).toBeVisible();

    // The session is a cookie and the wallet reconnects silently: a reload keeps both.
    await page.reload();
    await expect(accountButton(page, key.address)).toBeVisible();
    expect(wallet.requests).toContainEqual({ kind: "connect", silent: true });

    await accountButton(page, key.address).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await expect(page.getByRole("banner").getByRole("button", { name: "Sign in" })).toBeVisible();
    await expect(accountButton(page, key.address)).toHaveCount(0);
    expect(await sessionOf(page)).toBeNull();
    expect(wallet.signedMessages).toHaveLength(1);
  });

  test("the admin key sees the Admin item and the console", async ({ page }) => {
    const key = KEYS.admin;
    await installTestWallet(page, { secretKey: key.secretKey });
    await page.goto("/");
    await connectWallet(page);
    await startSignIn(page, "Consumer");
    const account = accountButton(page, key.address);
    await expect(account.getByTestId("role-badge")).toHaveText("Admin");
    expect((await sessionOf(page))?.role).toBe("admin");

    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Admin" }).click();
    await expect(page).toHaveURL("/admin");
    await expect(page.getByRole("heading", { level: 1, name: "Admin console" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Mint poller" })).toBeVisible();
    await expect(page.getByText("Admins only")).toHaveCount(0);
  });

  test("a consumer does not see Admin, and the console page refuses them", async ({ page }) => {
    const key = KEYS.consumer;
    await installTestWallet(page, { secretKey: key.secretKey });
    await page.goto("/");
    await connectWallet(page);
    await startSignIn(page, "Consumer");
    await expect(accountButton(page, key.address).getByTestId("role-badge")).toHaveText("Consumer");
    await expect(
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }),
    ).toHaveCount(0);
    await page.goto("/admin");
    await expect(page.getByRole("heading", { name: "Admins only" })).toBeVisible();
  });

  test("rejecting the signature shows an error and creates no session", async ({ page }) => {
    const key = KEYS.rejecter;
    const wallet = await installTestWallet(page, {
      secretKey: key.secretKey,
      behaviour: { rejectSignMessage: true },
    });
    await page.goto("/");
    await connectWallet(page);
    const dialog = await startSignIn(page, "Consumer");
    await expect(dialog.getByRole("alert")).toHaveText(
      "You declined the signature request, so you were not signed in.",
    );
    expect(wallet.requests.filter((r) => r.kind === "signMessage")).toHaveLength(1);
    expect(wallet.signedMessages).toHaveLength(0);
    expect(await sessionOf(page)).toBeNull();

    // Changing one's mind works from the same dialog.
    wallet.behaviour.rejectSignMessage = false;
    await dialog.getByRole("button", { name: "Sign message" }).click();
    await finishSignIn(dialog, "Consumer");
    await expect(dialog).toBeHidden();
    await expect(accountButton(page, key.address)).toBeVisible();
    expect((await sessionOf(page))?.wallet).toBe(key.address);
  });

  test("a signature that does not verify is refused with a readable message", async ({ page }) => {
    const key = KEYS.rejecter;
    await installTestWallet(page, {
      secretKey: key.secretKey,
      behaviour: { tamperSignatures: true },
    });
    await page.goto("/");
    await connectWallet(page);
    const dialog = await startSignIn(page, "Consumer");
    await expect(dialog.getByRole("alert")).toHaveText(
      "The signature doesn't match this wallet's address, so you were not signed in. Try again.",
    );
    expect(await sessionOf(page)).toBeNull();
  });

  test("too many sign-in attempts are refused with a readable message", async ({ page }) => {
    const key = KEYS.rejecter;
    await installTestWallet(page, { secretKey: key.secretKey });
    await page.goto("/");
    await connectWallet(page);
    // Use up this client's challenge budget (20 a minute) straight through the API.
    for (let i = 0; i < 20; i++) {
      const res = await page.request.post("/api/trpc/auth.challenge", {
        data: { json: { publicKey: key.address } },
      });
      expect(res.status()).toBe(200);
    }
    const dialog = await startSignIn(page, "Consumer");
    await expect(dialog.getByRole("alert")).toHaveText(
      /^Too many attempts in a short time\. Try again in \d+ seconds\.$/,
    );
    expect(await sessionOf(page)).toBeNull();
  });

  test("a wallet that cannot sign messages is told so", async ({ page }) => {
    const key = KEYS.rejecter;
    await installTestWallet(page, {
      secretKey: key.secretKey,
      name: "Ledgerish",
      supportsSignMessage: false,
    });
    await page.goto("/");
    await connectWallet(page, "Ledgerish");
    await page.getByRole("banner").getByRole("button", { name: "Sign in" }).click();
    const dialog = page.getByRole("dialog", { name: "Sign in to GridTokenX" });
    await expect(dialog.getByRole("alert")).toContainText("Ledgerish can't sign messages");
    await expect(dialog.getByRole("button", { name: "Sign message" })).toBeDisabled();
  });

  test("switching accounts in the wallet ends the old account's session", async ({ page }) => {
    const first = KEYS.switcher;
    const wallet = await installTestWallet(page, { secretKey: first.secretKey });
    await page.goto("/");
    await connectWallet(page);
    await startSignIn(page, "Consumer");
    await expect(accountButton(page, first.address)).toBeVisible();

    const second = await wallet.switchAccount(KEYS.consumer.secretKey);
    await expect(
      page.getByRole("status").filter({ hasText: "Wallet account changed" }),
    ).toBeVisible();
    await expect(page.getByRole("banner").getByRole("button", { name: "Sign in" })).toBeVisible();
    await expect(
      page.getByRole("banner").getByRole("button", { name: `Wallet ${second}` }),
    ).toBeVisible();
    expect(await sessionOf(page)).toBeNull();
  });

  test("a session that ends elsewhere is noticed and reported", async ({ page }) => {
    const key = KEYS.consumer;
    await installTestWallet(page, { secretKey: key.secretKey });
    await page.goto("/");
    await connectWallet(page);
    await startSignIn(page, "Consumer");
    await expect(accountButton(page, key.address)).toBeVisible();

    // Another tab signs out: the server revokes the session and clears the shared cookie.
    const res = await page.request.post("/api/trpc/auth.signOut", { data: { json: null } });
    expect(res.status()).toBe(200);
    // The user comes back to this tab; the app re-checks its session on focus.
    await page.evaluate(() => window.dispatchEvent(new Event("visibilitychange")));
    await expect(page.getByRole("status").filter({ hasText: "Your session ended" })).toBeVisible();
    await expect(page.getByRole("banner").getByRole("button", { name: "Sign in" })).toBeVisible();
  });

  test("disconnecting signs out and forgets the wallet", async ({ page }) => {
    const key = KEYS.switcher;
    const wallet = await installTestWallet(page, { secretKey: key.secretKey });
    await page.goto("/");
    await connectWallet(page);
    await startSignIn(page, "Consumer");
    await accountButton(page, key.address).click();
    await page.getByRole("menuitem", { name: "Disconnect wallet" }).click();
    await expect(
      page.getByRole("banner").getByRole("button", { name: "Connect wallet" }),
    ).toBeVisible();
    expect(await sessionOf(page)).toBeNull();
    expect(wallet.requests).toContainEqual({ kind: "disconnect" });
    // No silent reconnect after a reload: the user chose to disconnect.
    await page.reload();
    await expect(
      page.getByRole("banner").getByRole("button", { name: "Connect wallet" }),
    ).toBeVisible();
  });
});

test.describe("phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("navigation is reachable from the menu, and sign-in fits the header", async ({ page }) => {
    const key = KEYS.phone;
    await installTestWallet(page, { secretKey: key.secretKey });
    await page.goto("/");
    // The desktop bar is hidden; the menu button opens a drawer with every page.
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
    for (const { link, path, heading } of PAGES.slice(1)) {
      await page.getByRole("button", { name: "Open menu" }).click();
      const drawer = page.getByRole("dialog", { name: "GridTokenX" });
      await drawer.getByRole("link", { name: link, exact: true }).tap();
      await expect(drawer).toBeHidden();
      await expect(page).toHaveURL(path);
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    }

    await connectWallet(page);
    await startSignIn(page, "Prosumer");
    const account = accountButton(page, key.address);
    await expect(account).toBeInViewport();
    await expect(account).toContainText(short(key.address));
    await page.getByRole("button", { name: "Open menu" }).click();
    const drawer = page.getByRole("dialog", { name: "GridTokenX" });
    await expect(drawer.getByTestId("role-badge")).toHaveText("Prosumer");
    await expect(drawer.getByRole("link", { name: "Admin" })).toHaveCount(0);
  });
});
