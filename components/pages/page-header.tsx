import type { ReactNode } from "react";

export function PageHeader({ title, description }: { title: string; description: ReactNode }) {
  return (
    <div className="mb-6 sm:mb-8">
      <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{title}</h1>
      <p className="text-fg-muted mt-1.5 max-w-2xl text-sm sm:text-base">{description}</p>
    </div>
  );
}
