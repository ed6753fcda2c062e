"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState, type FormEvent } from "react";
import { Button } from "~/components/ui/button";
import { useToast } from "~/components/ui/toast";
import { roleLabel, shortAddress } from "~/lib/format";
import { describeError } from "~/lib/trpc/errors";
import { useTRPC } from "~/lib/trpc/react";
import { ErrorBlock, LoadingBlock, Panel } from "./panel";

/** users.me with the display name editable (users.updateProfile). */
export function ProfileCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const id = useId();
  const me = useQuery(trpc.users.me.queryOptions());
  const [name, setName] = useState("");
  useEffect(() => {
    if (me.data) setName(me.data.name ?? "");
  }, [me.data]);
  const save = useMutation(
    trpc.users.updateProfile.mutationOptions({
      onSuccess: (p) => {
        queryClient.setQueryData(trpc.users.me.queryKey(), p);
        void queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
        notify({ tone: "success", title: "Name saved" });
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ name });
  };

  return (
    <Panel title="Your profile">
      {me.isPending ? (
        <LoadingBlock label="Loading profile" />
      ) : me.isError ? (
        <ErrorBlock error={me.error} onRetry={() => void me.refetch()} />
      ) : (
        <>
          <dl className="text-fg-muted grid grid-cols-2 gap-2 text-xs">
            <div>
              <dt>Wallet</dt>
              <dd className="text-fg font-mono">{shortAddress(me.data.wallet, 5)}</dd>
            </div>
            <div>
              <dt>Role</dt>
              <dd className="text-fg">{roleLabel(me.data.role)}</dd>
            </div>
            <div className="col-span-2">
              <dt>On chain</dt>
              <dd className="text-fg">
                {me.data.registeredOnChain ? "Registered in the Registry" : "Not registered yet (happens with your first meter)"}
              </dd>
            </div>
          </dl>
          <form onSubmit={submit} className="flex flex-col gap-2">
            <label htmlFor={`${id}-name`} className="text-sm font-medium">
              Display name
            </label>
            <div className="flex gap-2">
              <input
                id={`${id}-name`}
                className="border-line bg-canvas h-9 min-w-0 flex-1 rounded-lg border px-3 text-sm"
                value={name}
                maxLength={80}
                onChange={(e) => setName(e.target.value)}
                placeholder="Shown to you and admins"
              />
              <Button type="submit" size="sm" variant="secondary" busy={save.isPending}>
                Save
              </Button>
            </div>
            {save.isError ? (
              <p role="alert" className="text-danger text-sm">
                {describeError(save.error)}
              </p>
            ) : null}
          </form>
        </>
      )}
    </Panel>
  );
}
