import { describe, expect, it } from "vitest";
import { gettingStartedSteps } from "./getting-started-steps";

const done = (s: ReturnType<typeof gettingStartedSteps>) => s.map((x) => x.done);

describe("Getting started ticks its steps from real state", () => {
  it("a visitor: nothing done; a connected wallet ticks step 1", () => {
    expect(
      done(gettingStartedSteps({ walletConnected: false, role: null, meterCount: null })),
    ).toEqual([false, false, false, false]);
    expect(
      done(gettingStartedSteps({ walletConnected: true, role: null, meterCount: null })),
    ).toEqual([true, false, false, false]);
  });

  it("a prosumer without meters: signed in, step 3 open (and checking while meters.mine loads)", () => {
    const loading = gettingStartedSteps({
      walletConnected: true,
      role: "prosumer",
      meterCount: null,
    });
    expect(done(loading)).toEqual([true, true, false, false]);
    expect(loading[2]).toMatchObject({
      title: "Register your meter",
      checking: true,
      href: "/meters",
    });
    const none = gettingStartedSteps({ walletConnected: true, role: "prosumer", meterCount: 0 });
    expect(none[2]).toMatchObject({ done: false, checking: false });
  });

  it("a registered meter ticks step 3 and says how many", () => {
    const one = gettingStartedSteps({ walletConnected: true, role: "prosumer", meterCount: 1 });
    expect(one[2]).toMatchObject({ title: "Register your meter", done: true, checking: false });
    expect(one[2]?.detail).toMatch(/^1 meter registered/);
    const three = gettingStartedSteps({ walletConnected: false, role: "admin", meterCount: 3 });
    expect(done(three)).toEqual([true, true, true, false]);
    expect(three[2]?.detail).toMatch(/^3 meters registered/);
  });

  it("a consumer's third step is the THBC deposit: open until a deposit is minted, checking while that loads", () => {
    const s = gettingStartedSteps({ walletConnected: true, role: "consumer", meterCount: 2, depositCount: 0 });
    expect(s[2]).toMatchObject({ title: "Deposit baht", done: false, checking: false, href: "/wallet" });
    expect(s[2]?.detail).toContain("on the Wallet page");
    expect(gettingStartedSteps({ walletConnected: true, role: "consumer", meterCount: 0, depositCount: null })[2]).toMatchObject({
      done: false,
      checking: true,
    });
    const done = gettingStartedSteps({ walletConnected: true, role: "consumer", meterCount: 0, depositCount: 1 });
    expect(done[2]).toMatchObject({ done: true, checking: false });
    expect(done[2]?.detail).toMatch(/^THBC deposited/);
  });

  it("the Trade step ticks with the first fill, checking while orders.myTrades loads", () => {
    const base = { walletConnected: true, role: "prosumer" as const, meterCount: 1 };
    expect(gettingStartedSteps({ ...base, tradeCount: 0 })[3]).toMatchObject({ title: "Trade", done: false, checking: false, href: "/trade" });
    expect(gettingStartedSteps({ ...base, tradeCount: null })[3]).toMatchObject({ done: false, checking: true });
    expect(gettingStartedSteps({ ...base, role: null, tradeCount: null })[3]).toMatchObject({ done: false, checking: false });
    const traded = gettingStartedSteps({ ...base, tradeCount: 1 })[3];
    expect(traded).toMatchObject({ done: true, checking: false });
    expect(traded?.detail).toMatch(/first order has filled/);
  });
});
