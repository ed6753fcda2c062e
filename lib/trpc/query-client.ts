import { defaultShouldDehydrateQuery, QueryCache, QueryClient } from "@tanstack/react-query";
import SuperJSON from "superjson";
import { isUnauthorizedError } from "./errors";

/**
 * One QueryClient per browser tab (and a fresh one per server render). When any query answers
 * UNAUTHORIZED the session is gone (expired or revoked): `onSessionLost` lets the auth layer
 * re-read `auth.me` and tell the user.
 */
export function makeQueryClient(onSessionLost?: () => void): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        if (isUnauthorizedError(error)) onSessionLost?.();
      },
    }),
    defaultOptions: {
      queries: {
        // Server-rendered data stays fresh long enough not to refetch right after hydration.
        staleTime: 30_000,
        retry: (failureCount, error) => !isUnauthorizedError(error) && failureCount < 2,
      },
      dehydrate: {
        serializeData: SuperJSON.serialize,
        shouldDehydrateQuery: (query) =>
          defaultShouldDehydrateQuery(query) || query.state.status === "pending",
      },
      hydrate: { deserializeData: SuperJSON.deserialize },
    },
  });
}
