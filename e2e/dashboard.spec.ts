/**
 * Issue 20, "finish what is there", in the real app on the e2e run's own chain: a returning user
 * signs in without being asked anything; the dashboard says "Can't reach Solana" (with Retry and
 * the last values) when the browser's RPC is blocked and recovers once it is back; at 390 px the
 * pages have no sideways scroll, nothing sticks out of the screen, and the header keeps its
 * network and live badges.
 *
 * Playwright's plain `test` where the page reads the chain: fixtures/app's adds X-Forwarded-For
 * to every request, which the chain's CORS preflight refuses (see meters-flow.spec.ts). Each test
 * signs in a fresh wallet, each page its own client address on the app's /api requests only
 * (fixtures/app's ownClientAddress).
 */
import crypto from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import {
  accountButton,
  connectWallet,
  ownClientAddress,
  signUpForm,
  startSignIn,
} from "./fixtures/app";
import { testKey } from "./fixtures/keys";
import { installTestWallet } from "./fixtures/wallet";

/** The browser's RPC: the e2e chain's fixed loopback port (e2e/support/e2e-chain.ts). */
const RPC_URL = `http://127.0.0.1:${Number(process.env.E2E_CHAIN_PORT ?? 18899)}`;

const freshKey = (label: string) => testKey(`${label}-${crypto.randomUUID()}`);

test("a returning user signs in without being asked for a role or a name", async ({
  page,
  browser,
}) => {
  // Two browsers, two full sign-ins on two shared cores.
  test.setTimeout(120_000);
  const key = freshKey("returning");
  const wallet = await installTestWallet(page, { secretKey: key.secretKey });
  await ownClientAddress(page);
  await page.goto("/");
  await connectWallet(page);

  // First time: after the signature, the dialog asks for a display name and a role.
  const header = page.getByRole("banner");
  await header.getByRole("button", { name: "Sign in" }).click();
  const dialog = page.getByRole("dialog", { name: "Sign in to GridTokenX" });
  await expect(dialog.getByRole("radio")).toHaveCount(0);
  await dialog.getByRole("button", { name: "Sign message" }).click();
  const form = signUpForm(dialog);
  await expect(form).toBeVisible();
  await expect(form.getByRole("radio")).toHaveCount(2);
  // A name is required: the form says so instead of creating "GridTokenX user".
  await form.getByRole("radio", { name: /Prosumer/ }).check();
  await form.getByRole("button", { name: "Create account" }).click();
  await expect(form.getByText("Display name: enter a display name.")).toBeVisible();
  await form.getByLabel("Display name").fill("Khun Malee");
  await form.getByRole("button", { name: "Create account" }).click();
  await expect(dialog).toBeHidden();
  await expect(accountButton(page, key.address).getByTestId("role-badge")).toHaveText("Prosumer");
  // One signature served both the question and the account's creation.
  expect(wallet.signedMessages).toHaveLength(1);

  await accountButton(page, key.address).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(header.getByRole("button", { name: "Sign in" })).toBeVisible();

  // Back again, in another browser with nothing remembered: the account exists, so the dialog
  // signs in straight away, with no role or name question at any point.
  const context = await browser.newContext();
  try {
    const again = await context.newPage();
    const sameWallet = await installTestWallet(again, { secretKey: key.secretKey });
    await ownClientAddress(again);
    await again.goto("/");
    await connectWallet(again);
    await again.getByRole("banner").getByRole("button", { name: "Sign in" }).click();
    const dialog2 = again.getByRole("dialog", { name: "Sign in to GridTokenX" });
    await expect(dialog2).toBeVisible();
    await expect(dialog2.getByRole("radio")).toHaveCount(0);
    await dialog2.getByRole("button", { name: "Sign message" }).click();
    await expect(dialog2).toBeHidden();
    await expect(signUpForm(dialog2)).toHaveCount(0);
    await expect(accountButton(again, key.address).getByTestId("role-badge")).toHaveText(
      "Prosumer",
    );
    expect(sameWallet.signedMessages).toHaveLength(1);
    const me = await again.request.get("/api/trpc/auth.me");
    const body = (await me.json()) as {
      result: { data: { json: { role: string; name: string } } };
    };
    expect(body.result.data.json).toMatchObject({ role: "prosumer", name: "Khun Malee" });
  } finally {
    await context.close();
  }
});

test("with the browser's RPC blocked the dashboard says it can't reach Solana, keeps the last values, and recovers after Retry", async ({
  page,
}) => {
  // Sign-in, then a failing poll (with its retry), two Retries and a recovery.
  test.setTimeout(120_000);
  const key = freshKey("rpc-blocked");
  await installTestWallet(page, { secretKey: key.secretKey });
  await ownClientAddress(page);
  await page.goto("/");
  await connectWallet(page);
  await startSignIn(page, "Prosumer");
  await expect(accountButton(page, key.address)).toBeVisible();

  const status = page.getByTestId("balances-status");
  await expect(status).toContainText("Live from the chain");
  await expect(page.getByTestId("grid-balance")).toHaveText("0 GRID");
  await expect(page.getByTestId("sol-balance")).toHaveText("0 SOL");
  const chainError = page.getByTestId("chain-error");
  await expect(chainError).toHaveCount(0);

  // The RPC stops answering (every request to it is refused, as when the node is down).
  let blocked = 0;
  await page.route(`${RPC_URL}/**`, async (route) => {
    blocked++;
    await route.abort("connectionrefused");
  });
  await expect(chainError).toBeVisible();
  expect(blocked).toBeGreaterThan(0);
  await expect(chainError).toContainText("Can't reach Solana");
  await expect(chainError).toContainText("Showing the values last read at");
  await expect(status).toHaveText("Offline");
  // The last known values stay on screen, marked as such; nothing says "Updating…".
  await expect(page.getByTestId("grid-balance")).toHaveText("0 GRID");
  await expect(page.getByTestId("grid-balance")).toHaveAttribute("data-stale", "true");
  await expect(page.getByTestId("sol-balance")).toHaveText("0 SOL");
  await expect(page.getByText("Updating…")).toHaveCount(0);
  // The server-side panels don't depend on the browser's RPC and keep working.
  await expect(page.getByRole("heading", { name: "Production vs consumption" })).toBeVisible();

  // Retry while still blocked: the read (with its one retry) fails again and ends there, with
  // the error and an enabled Retry, not a spinner that never ends.
  const failures = Number(await chainError.getAttribute("data-failures"));
  const before = blocked;
  await chainError.getByRole("button", { name: "Retry" }).click();
  await expect(chainError).toHaveAttribute("data-failures", String(failures + 1));
  expect(blocked).toBeGreaterThan(before);
  await expect(chainError).toContainText("Can't reach Solana");
  await expect(chainError.getByRole("button", { name: "Retry" })).toBeEnabled();

  // The RPC is back: Retry reads it again, and the page is live once more.
  await page.unroute(`${RPC_URL}/**`);
  await chainError.getByRole("button", { name: "Retry" }).click();
  await expect(chainError).toHaveCount(0);
  await expect(status).toContainText("Live from the chain");
  await expect(page.getByTestId("grid-balance")).not.toHaveAttribute("data-stale", "true");
  await expect(page.getByTestId("grid-balance")).toHaveText("0 GRID");
});

/** Everything visible in `main` and the header that reaches past the viewport's right edge. */
async function outOfBounds(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>("header *, main *")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      // Screen-reader-only text is 1 px, clipped on purpose.
      const style = getComputedStyle(el);
      if (style.visibility === "hidden" || (style.position === "absolute" && r.width <= 1))
        continue;
      if (r.left < -0.5 || r.right > width + 0.5) {
        out.push(
          `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ""} ${Math.round(r.left)}–${Math.round(r.right)}`,
        );
      }
    }
    return { width, out: out.slice(0, 10) };
  });
}

/** Elements whose own content is cut off (wider than their box, overflow hidden or clipped). */
async function clipped(page: Page, selector: string) {
  return page.evaluate((sel) => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(sel)) {
      const style = getComputedStyle(el);
      if (style.overflowX === "visible") continue;
      // A truncated value says so with its title; anything else cut off is a bug.
      if (el.scrollWidth > el.clientWidth + 1 && !el.title)
        out.push(el.textContent?.slice(0, 40) ?? "");
    }
    return out;
  }, selector);
}

test.describe("phone, 390 px", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("the dashboard and meters page have no sideways scroll, nothing out of bounds, and the header keeps its badges", async ({
    page,
  }) => {
    const key = freshKey("phone-390");
    await installTestWallet(page, { secretKey: key.secretKey });
    await ownClientAddress(page);
    await page.goto("/");
    await connectWallet(page);
    await startSignIn(page, "Prosumer");
    await expect(accountButton(page, key.address)).toBeVisible();

    const header = page.getByRole("banner");
    const checkHeader = async () => {
      const network = header.getByTestId("network-badge");
      const live = header.getByTestId("live-status");
      await expect(network).toBeInViewport({ ratio: 1 });
      await expect(network).toContainText("Local");
      await expect(live).toHaveAttribute("data-status", "live");
      await expect(live).toBeInViewport({ ratio: 1 });
      await expect(live).toHaveText("Live");
      await expect(accountButton(page, key.address)).toBeInViewport({ ratio: 1 });
      // Side by side in one row, not overlapping.
      const n = (await network.boundingBox())!;
      const l = (await live.boundingBox())!;
      expect(n.x + n.width).toBeLessThanOrEqual(l.x);
    };
    const noSidewaysScroll = async () => {
      // First what sticks out (the failure names it), then the page's own scroll width.
      expect(await outOfBounds(page)).toEqual({ width: 390, out: [] });
      expect(
        await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        ),
      ).toBeLessThanOrEqual(0);
    };

    await expect(page.getByTestId("grid-balance")).toHaveText("0 GRID");
    await expect(page.getByRole("heading", { name: "Production vs consumption" })).toBeVisible();
    await checkHeader();
    await noSidewaysScroll();
    expect(await clipped(page, "main [data-testid], main h2, main dd")).toEqual([]);

    await page.goto("/meters");
    await expect(page.getByRole("heading", { name: "Register a meter" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Your meters" })).toBeVisible();
    await checkHeader();
    await noSidewaysScroll();
  });
});
