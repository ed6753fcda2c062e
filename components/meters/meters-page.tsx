"use client";

import { PanelSkeleton } from "~/components/dashboard/panel";
import { SignedInGate } from "~/components/dashboard/signed-in-gate";
import { MeterIcon } from "~/components/ui/icons";
import { MeterList } from "./meter-list";
import { RegisterMeterForm } from "./register-meter-form";

export function MetersPageContent() {
  return (
    <SignedInGate
      icon={<MeterIcon width={24} height={24} />}
      title="Your meters"
      skeleton={
        <div className="flex flex-col gap-6" aria-busy="true" aria-label="Loading your meters" role="status">
          <PanelSkeleton blocks={["h-10", "h-10", "h-10"]} />
          <PanelSkeleton blocks={["h-24"]} />
        </div>
      }
      upcoming={[
        "Register a meter by its device key (an admin then activates it)",
        "Each meter's status, type and zone",
        "Readings charts: production and consumption",
        "Energy minted as GRID so far",
      ]}
    >
      <div className="flex flex-col gap-6">
        <RegisterMeterForm />
        <MeterList />
      </div>
    </SignedInGate>
  );
}
