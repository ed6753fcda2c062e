"use client";

import type { ReactNode } from "react";
import { useAuth } from "~/components/auth/auth-provider";
import { SectionPlaceholder } from "~/components/pages/section-placeholder";

/**
 * Renders `children` for a signed-in user (an admin when `audience="admin"`); otherwise the shared
 * placeholder, which handles loading, connect, sign in and "admins only".
 */
export function SignedInGate({
  children,
  audience = "signed-in",
  icon,
  title,
  upcoming,
  skeleton,
}: {
  children: ReactNode;
  audience?: "signed-in" | "admin";
  icon: ReactNode;
  title: string;
  upcoming: string[];
  /** The page's shape while the session loads (grey panels where the content will be). */
  skeleton?: ReactNode;
}) {
  const auth = useAuth();
  const allowed = auth.user && (audience === "signed-in" || auth.user.role === "admin");
  if (allowed) return <>{children}</>;
  if (auth.status === "loading" && skeleton) return <>{skeleton}</>;
  return (
    <SectionPlaceholder icon={icon} title={title} upcoming={upcoming} audience={audience} signedInNote={null} />
  );
}
