import { roleLabel } from "~/lib/format";

const ROLE_CLASS: Record<string, string> = {
  prosumer: "bg-energy-soft text-energy",
  consumer: "bg-accent-soft text-accent",
  admin: "bg-danger-soft text-danger",
};

export function RoleBadge({ role, className = "" }: { role: string; className?: string }) {
  return (
    <span
      data-testid="role-badge"
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold ${
        ROLE_CLASS[role] ?? "bg-surface-muted text-fg-muted"
      } ${className}`}
    >
      {roleLabel(role)}
    </span>
  );
}
