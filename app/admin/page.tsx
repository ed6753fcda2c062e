import type { Metadata } from "next";
import { AdminConsole } from "~/components/admin/admin-console";
import { PageHeader } from "~/components/pages/page-header";

export const metadata: Metadata = { title: "Admin" };

export default function AdminPage() {
  return (
    <>
      <PageHeader
        title="Admin console"
        description="Run the platform: people, meters, certificates, prices, market settings and background jobs."
      />
      <AdminConsole />
    </>
  );
}
