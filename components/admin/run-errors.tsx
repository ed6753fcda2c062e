/** The errors a cron pass reported (mint poller, bridge), one per line; nothing when there are none. */
export function RunErrors({ errors }: { errors: readonly string[] }) {
  if (errors.length === 0) return null;
  return (
    <ul className="text-danger mt-2 list-disc pl-5 text-xs">
      {errors.map((e) => (
        <li key={e}>{e}</li>
      ))}
    </ul>
  );
}
