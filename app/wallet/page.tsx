import type { Metadata } from "next";
import { PageHeader } from "~/components/pages/page-header";
import { SectionPlaceholder } from "~/components/pages/section-placeholder";
import { WalletIcon } from "~/components/ui/icons";

export const metadata: Metadata = { title: "Wallet" };

export default function WalletPage() {
  return (
    <>
      <PageHeader
        title="Wallet"
        description="Move Thai baht in and out. Deposits become THBC (1 THBC = 1 THB) in your own wallet; withdrawals burn THBC and pay out baht."
      />
      <SectionPlaceholder
        icon={<WalletIcon width={24} height={24} />}
        title="Deposits and withdrawals"
        upcoming={[
          "Deposit THB and receive THBC",
          "Withdraw THBC back to THB",
          "The status of each deposit and withdrawal",
        ]}
        signedInNote="No deposits or withdrawals yet. The bridge to baht opens here."
      />
    </>
  );
}
