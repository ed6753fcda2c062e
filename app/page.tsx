import { DashboardContent } from "~/components/dashboard/dashboard";
import { GettingStarted } from "~/components/pages/getting-started";
import { PageHeader } from "~/components/pages/page-header";

export default function DashboardPage() {
  return (
    <>
      <PageHeader
        title="Dashboard"
        description="Your energy and money at a glance: what your panels produced, what you used, and what you traded."
      />
      <DashboardContent />
      <GettingStarted />
    </>
  );
}
