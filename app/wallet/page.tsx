import type { Metadata } from "next";
import { PageHeader } from "~/components/pages/page-header";
import { WalletPageContent } from "~/components/wallet/wallet-page";

export const metadata: Metadata = { title: "Wallet" };

export default function WalletPage() {
  return (
    <>
      <PageHeader
        title="Wallet"
        description="Move Thai baht in and out. Deposits become THBC (1 THBC = 1 THB) in your own wallet; withdrawals burn THBC and pay out baht."
      />
      <WalletPageContent />
    </>
  );
}
