import type { Metadata } from "next";
import { PageHeader } from "~/components/pages/page-header";
import { SectionPlaceholder } from "~/components/pages/section-placeholder";
import { TradeIcon } from "~/components/ui/icons";

export const metadata: Metadata = { title: "Trade" };

export default function TradePage() {
  return (
    <>
      <PageHeader
        title="Trade"
        description="Buy and sell solar energy with your neighbours on the on-chain order book. Every order is backed by the tokens it locks."
      />
      <SectionPlaceholder
        icon={<TradeIcon width={24} height={24} />}
        title="The market"
        upcoming={[
          "The live order book and a depth chart",
          "Price history in THB per kWh",
          "An order form in kWh and THB/kWh, signed by your wallet",
          "Your open orders, with cancel",
          "Your trade history with itemised fees",
        ]}
        signedInNote="The order book opens here. To sell you need GRID from your meter's surplus; to buy you need THBC from the Wallet page."
      />
    </>
  );
}
