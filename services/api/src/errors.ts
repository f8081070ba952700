import { Data } from "effect";

/** A caller's input is wrong (beyond what the GraphQL types catch). `input` names it: `allocation[1].bps`. */
export class BadInput extends Data.TaggedError("BadInput")<{
  readonly input: string;
  readonly rule: string;
  readonly message: string;
}> {}

/** The subgraph cannot serve history: down, erroring, or too far behind the chain head. */
export class HistoryUnavailable extends Data.TaggedError("HistoryUnavailable")<{
  readonly reason: "disabled" | "down" | "behind" | "error";
  readonly message: string;
}> {}

/** A chain read failed (RPC down, timeout, unexpected revert). Live fields answer with this error. */
export class ChainUnavailable extends Data.TaggedError("ChainUnavailable")<{
  readonly message: string;
}> {}

/** The domain model refused an action (the contract would revert); carries the contract's error name. */
export class PreviewReverted extends Data.TaggedError("PreviewReverted")<{
  readonly error: string;
  readonly message: string;
}> {}

export type ApiError = BadInput | HistoryUnavailable | ChainUnavailable | PreviewReverted;
