/**
 * The Getting started steps, each ticked from real state (pure, so it is tested without a
 * browser): a connected wallet, a session, a registered meter (meters.mine) for prosumers or
 * a minted THBC deposit (bridge.deposits) for consumers, a first fill (orders.myTrades).
 */
export interface Step {
  title: string;
  detail: string;
  done: boolean;
  /** Still finding out (the query behind it is loading). */
  checking?: boolean;
  href?: "/meters" | "/wallet" | "/trade";
}

export interface GettingStartedState {
  walletConnected: boolean;
  /** The signed-in user's role, or null when signed out. */
  role: "prosumer" | "consumer" | "admin" | null;
  /** How many meters the user has registered (meters.mine), or null while that is loading. */
  meterCount: number | null;
  /** How many THBC deposits were minted to the user (bridge.deposits), or null while loading. */
  depositCount?: number | null;
  /** How many fills the user's orders had (orders.myTrades), or null while loading. */
  tradeCount?: number | null;
}

export function gettingStartedSteps({
  walletConnected,
  role,
  meterCount,
  depositCount = null,
  tradeCount = null,
}: GettingStartedState): Step[] {
  const signedIn = role !== null;
  const meters = meterCount ?? 0;
  return [
    {
      title: "Connect a wallet",
      detail: "Phantom or any Solana wallet that supports the Wallet Standard.",
      done: walletConnected || signedIn,
    },
    {
      title: "Sign in",
      detail: "Sign a message to prove the address is yours; new accounts pick a name and role.",
      done: signedIn,
    },
    role === "consumer"
      ? {
          title: "Deposit baht",
          detail:
            (depositCount ?? 0) > 0
              ? "THBC deposited: your baht are in your wallet as THBC, ready to pay for energy."
              : "Turn THB into THBC on the Wallet page to pay for energy.",
          done: (depositCount ?? 0) > 0,
          checking: signedIn && depositCount === null,
          href: "/wallet",
        }
      : {
          title: "Register your meter",
          detail:
            meters > 0
              ? `${meters === 1 ? "1 meter" : `${meters} meters`} registered; measured surplus becomes GRID.`
              : "Prosumers add their smart meter's key so measured surplus becomes GRID.",
          done: meters > 0,
          checking: signedIn && meterCount === null,
          href: "/meters",
        },
    {
      title: "Trade",
      detail:
        (tradeCount ?? 0) > 0
          ? "Your first order has filled: see it in your trade history."
          : "Place buy or sell orders in kWh at a price in THB per kWh on the order book.",
      done: (tradeCount ?? 0) > 0,
      checking: signedIn && tradeCount === null,
      href: "/trade",
    },
  ];
}
