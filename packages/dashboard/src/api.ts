/** The API's GraphQL, same origin (`/graphql`). Errors carry the API's own message (it names the bad input). */
export interface GqlError {
  readonly message: string;
  readonly extensions?: { readonly code?: string; readonly input?: string };
}

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    message: string,
    readonly status: number,
    readonly errors: ReadonlyArray<GqlError>,
  ) {
    super(message);
  }
}

export interface Answer<T> {
  readonly data: T;
  /** Errors beside data (e.g. HISTORY_UNAVAILABLE: the history fields are null, the live ones answered). */
  readonly partial: ReadonlyArray<GqlError>;
}

export const GRAPHQL_URL = "/graphql";
const TIMEOUT_MS = 20_000;

export const query = async <T>(document: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> => {
  let response: Response;
  try {
    response = await fetch(GRAPHQL_URL, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query: document, variables }),
      // A page never waits forever: the API's own timeout is shorter; this covers a connection that hangs.
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (cause) {
    const timedOut = cause instanceof DOMException && cause.name === "TimeoutError";
    throw new ApiError(
      timedOut
        ? `the API at ${GRAPHQL_URL} did not answer within ${TIMEOUT_MS / 1000} s`
        : `the API at ${GRAPHQL_URL} did not answer (${String(cause)})`,
      0,
      [],
    );
  }
  let body: { data?: T | null; errors?: ReadonlyArray<GqlError> };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ApiError(`the API answered HTTP ${response.status} without JSON`, response.status, []);
  }
  const errors = body.errors ?? [];
  if (body.data === undefined || body.data === null) {
    throw new ApiError(
      errors.map((e) => e.message).join("; ") || `the API answered HTTP ${response.status}`,
      response.status,
      errors,
    );
  }
  return { data: body.data, partial: errors };
};
