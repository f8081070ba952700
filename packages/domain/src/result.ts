/**
 * A value or a typed failure. Validating constructors and the state model return Results; the formula modules
 * mirror Solidity and throw a DomainFailure carrying a Panic exactly where the contract would panic
 * (overflow, division by zero), which the model turns back into a Result.
 */
export type Result<A, E> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: E };

export const ok = <A>(value: A): Result<A, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

/** Unwraps a result, throwing the error (for tests, scripts and trusted constants). */
export const unwrap = <A, E>(result: Result<A, E>): A => {
  if (result.ok) return result.value;
  throw new DomainFailure(result.error);
};

/** Carries a domain error through `throw` (used only by `unwrap` and the model's revert machinery). */
export class DomainFailure<E = unknown> extends Error {
  readonly error: E;
  constructor(error: E) {
    super(describe(error));
    this.name = "DomainFailure";
    this.error = error;
  }
}

const describe = (error: unknown): string =>
  JSON.stringify(error, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
