/** One epoch is one day: each project is harvested at most once per epoch (TechnoCapitalMachine.EPOCH). */
export const EPOCH_SECONDS = 86_400n;

/** A timestamp earlier than the machine's genesis has no epoch (the contract would underflow). */
export class TimestampBeforeGenesisError extends Error {
  readonly _tag = "TimestampBeforeGenesisError" as const;
  readonly genesis: bigint;
  readonly timestamp: bigint;
  constructor(fields: { readonly genesis: bigint; readonly timestamp: bigint }) {
    super(`timestamp ${fields.timestamp} is before genesis ${fields.genesis}`);
    this.name = "TimestampBeforeGenesisError";
    this.genesis = fields.genesis;
    this.timestamp = fields.timestamp;
  }
}

/**
 * The epoch containing `timestamp` (seconds), counting from 0 at `genesis` (_currentEpoch).
 * Rounds down: the whole day [genesis + n·86400, genesis + (n+1)·86400) is epoch n.
 * @throws TimestampBeforeGenesisError when `timestamp < genesis`.
 */
export const epochOf = (genesis: bigint, timestamp: bigint): bigint => {
  if (timestamp < genesis) throw new TimestampBeforeGenesisError({ genesis, timestamp });
  return (timestamp - genesis) / EPOCH_SECONDS;
};

/** First second of `epoch`. */
export const epochStart = (genesis: bigint, epoch: bigint): bigint => genesis + epoch * EPOCH_SECONDS;

/** nextHarvestTime: the first second of the epoch after the project's last harvest epoch. */
export const nextHarvestTime = (genesis: bigint, lastHarvestEpoch: bigint): bigint =>
  epochStart(genesis, lastHarvestEpoch + 1n);
