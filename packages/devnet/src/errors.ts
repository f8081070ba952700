import { Data } from "effect";

/** A devnet process or script failed (anvil or graph-node would not start, forge script failed, psql refused). */
export class DevnetError extends Data.TaggedError("DevnetError")<{
  readonly message: string;
  readonly cause?: unknown;
}> {}
