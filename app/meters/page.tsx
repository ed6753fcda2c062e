import type { Metadata } from "next";
import { MetersPageContent } from "~/components/meters/meters-page";
import { PageHeader } from "~/components/pages/page-header";

export const metadata: Metadata = { title: "Meters" };

export default function MetersPage() {
  return (
    <>
      <PageHeader
        title="Meters"
        description="Your smart meters sign every reading. Measured surplus becomes GRID tokens: 1 GRID = 1 kWh."
      />
      <MetersPageContent />
    </>
  );
}
