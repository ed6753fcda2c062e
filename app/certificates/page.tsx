import type { Metadata } from "next";
import { PageHeader } from "~/components/pages/page-header";
import { SectionPlaceholder } from "~/components/pages/section-placeholder";
import { CertificateIcon } from "~/components/ui/icons";

export const metadata: Metadata = { title: "Certificates" };

export default function CertificatesPage() {
  return (
    <>
      <PageHeader
        title="Certificates"
        description="Renewable Energy Certificates (ERC) prove your energy was green. Sell them with your energy or retire them for a claim."
      />
      <SectionPlaceholder
        icon={<CertificateIcon width={24} height={24} />}
        title="Your certificates"
        upcoming={[
          "Request a certificate for verified generation",
          "Transfer all or part of a certificate",
          "Retire a certificate with a named beneficiary",
          "A report of your green-energy claims",
        ]}
        signedInNote="You hold no certificates yet. They are issued from generation your meters have verified."
      />
    </>
  );
}
