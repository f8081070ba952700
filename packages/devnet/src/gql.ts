import { Effect } from "effect";
import { DevnetError } from "./errors.js";

/** POSTs a GraphQL query; resolves with `data`, rejects on an HTTP error or any GraphQL error. */
export const gqlPromise = async <T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(variables === undefined ? { query } : { query, variables }),
  });
  const text = await response.text();
  let body: { data?: T; errors?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`${url} answered ${response.status} with no JSON: ${text.slice(0, 200)}`);
  }
  if (body.errors !== undefined) throw new Error(`GraphQL errors from ${url}: ${JSON.stringify(body.errors)}`);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return body.data as T;
};

/** A GraphQL query as an Effect: the `data`, or a DevnetError naming the URL and the errors. */
export const gql = <T = any>(url: string, query: string, variables?: Record<string, unknown>) =>
  Effect.tryPromise({
    try: () => gqlPromise<T>(url, query, variables),
    catch: (cause) => new DevnetError({ message: (cause as Error).message, cause }),
  });
