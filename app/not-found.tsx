import Link from "next/link";
import { buttonClasses } from "~/components/ui/button";

export default function NotFound() {
  return (
    <div className="flex flex-col items-start gap-4 py-10">
      <p className="text-energy text-sm font-semibold">404</p>
      <h1 className="text-2xl font-semibold">This page doesn&apos;t exist</h1>
      <p className="text-fg-muted max-w-prose text-sm">
        The address may be mistyped, or the page has moved.
      </p>
      <Link href="/" className={buttonClasses("primary")}>
        Back to the dashboard
      </Link>
    </div>
  );
}
