import type { Metadata } from "next";
import { PageHeader } from "~/components/pages/page-header";
import { TradePageContent } from "~/components/trade/trade-page";

export const metadata: Metadata = { title: "Trade" };

export default function TradePage() {
  return (
    <>
      <PageHeader
        title="Trade"
        description="Buy and sell solar energy with your neighbours on the on-chain order book. Every order is backed by the tokens it locks."
      />
      <TradePageContent />
    </>
  );
}
