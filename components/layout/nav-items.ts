import type { ComponentType, SVGProps } from "react";
import {
  CertificateIcon,
  DashboardIcon,
  MeterIcon,
  ShieldIcon,
  TradeIcon,
  WalletIcon,
} from "~/components/ui/icons";

export interface NavItem {
  href: "/" | "/trade" | "/meters" | "/certificates" | "/wallet" | "/admin";
  label: string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  /** Only shown to signed-in admins (the server enforces the role on every admin call). */
  adminOnly?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: "/", label: "Dashboard", icon: DashboardIcon },
  { href: "/trade", label: "Trade", icon: TradeIcon },
  { href: "/meters", label: "Meters", icon: MeterIcon },
  { href: "/certificates", label: "Certificates", icon: CertificateIcon },
  { href: "/wallet", label: "Wallet", icon: WalletIcon },
  { href: "/admin", label: "Admin", icon: ShieldIcon, adminOnly: true },
];

export function isActive(pathname: string, href: NavItem["href"]): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}
