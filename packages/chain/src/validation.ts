/**
 * Input validation shared by every transaction builder: the contract's own rules, checked before a transaction is
 * built, each failure an `InvalidInput` naming the input. Pure (Either), no I/O.
 */
import { Either } from "effect";
import { type Address, getAddress, isAddress, maxUint256, zeroAddress } from "viem";
import { InvalidInput } from "./errors.js";

// TechnoCapitalMachine's public constants (checked against the contract in the tests).
export const BPS = 10_000n;
export const MIN_DEPOSIT = 10n ** 9n;
export const MAX_PROJECTS_PER_POSITION = 8;
export const MIN_LAUNCH_PRICE = 10n ** 6n;
export const MAX_LAUNCH_PRICE = 10n ** 24n;
export const MIN_MAX_SUPPLY = 10n ** 18n;
/** The contract's value when this package was written; the deployed machine's own constant wins (see LaunchBounds). */
export const MAX_SUPPLY_LIMIT = (1n << 95n) - 1n;
export const MAX_DECAY_BPS = 5_000n;
export const MAX_CONTRIBUTOR_BPS = 2_000n;
/** LaunchLogic's MIN_SEED_RESERVE (internal: not readable from the machine). The maximum is maxSupply / 2. */
export const MIN_SEED_RESERVE = 10n ** 15n;
const MAX_UINT32 = 2n ** 32n - 1n;

/** _validateLaunch's bounds. TxBuilder reads them from the deployed machine (its public constants). */
export interface LaunchBounds {
  readonly minLaunchPrice: bigint;
  readonly maxLaunchPrice: bigint;
  readonly minMaxSupply: bigint;
  readonly maxSupplyLimit: bigint;
  readonly maxDecayBps: bigint;
  readonly maxContributorBps: bigint;
  /** The seed reserve's minimum; its maximum is maxSupply / 2. */
  readonly minSeedReserve: bigint;
}

export const DEFAULT_LAUNCH_BOUNDS: LaunchBounds = {
  minLaunchPrice: MIN_LAUNCH_PRICE,
  maxLaunchPrice: MAX_LAUNCH_PRICE,
  minMaxSupply: MIN_MAX_SUPPLY,
  maxSupplyLimit: MAX_SUPPLY_LIMIT,
  maxDecayBps: MAX_DECAY_BPS,
  maxContributorBps: MAX_CONTRIBUTOR_BPS,
  minSeedReserve: MIN_SEED_RESERVE,
};

/** What callers may pass for an integer: a bigint, a safe integer number or a decimal string. */
export type IntegerLike = bigint | number | string;

export interface AllocationEntryInput {
  readonly projectId: IntegerLike;
  readonly bps: IntegerLike;
}
export interface AllocationEntry {
  readonly projectId: number;
  readonly bps: number;
}

export interface LaunchParamsInput {
  readonly name: string;
  readonly symbol: string;
  readonly metadataURI?: string;
  readonly launchPrice: IntegerLike;
  readonly dailyEmission: IntegerLike;
  readonly decayBps: IntegerLike;
  readonly maxSupply: IntegerLike;
  /**
   * Tokens set aside inside maxSupply, never emitted, to open the pool at the launch price
   * (MIN_SEED_RESERVE..maxSupply / 2; the emission schedule gets maxSupply − seedReserve).
   */
  readonly seedReserve: IntegerLike;
  readonly contributorBps: IntegerLike;
  /** Required when contributorBps > 0; defaults to the zero address otherwise. */
  readonly contributorRecipient?: string;
}
export interface LaunchParams {
  readonly name: string;
  readonly symbol: string;
  readonly metadataURI: string;
  readonly launchPrice: bigint;
  readonly dailyEmission: bigint;
  readonly decayBps: bigint;
  readonly maxSupply: bigint;
  readonly seedReserve: bigint;
  readonly contributorBps: bigint;
  readonly contributorRecipient: Address;
}

type V<A> = Either.Either<A, InvalidInput>;

export const invalid = (input: string, rule: string, message: string): V<never> =>
  Either.left(new InvalidInput({ input, rule, message }));

const fmt = (x: bigint): string => x.toLocaleString("en-US");

/** Parses an unsigned integer within [min, max]. */
export const validateUint = (
  input: string,
  value: IntegerLike,
  bounds: { readonly min?: bigint; readonly max?: bigint; readonly rule?: string } = {},
): V<bigint> => {
  const rule = bounds.rule ?? "integer";
  let parsed: bigint;
  if (typeof value === "bigint") parsed = value;
  else if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) return invalid(input, rule, `${input} must be an integer, got ${value}`);
    parsed = BigInt(value);
  } else if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) parsed = BigInt(value.trim());
  else return invalid(input, rule, `${input} must be a non-negative integer, got ${JSON.stringify(value)}`);
  const min = bounds.min ?? 0n;
  const max = bounds.max ?? maxUint256;
  if (parsed < min) return invalid(input, rule, `${input} must be at least ${fmt(min)}, got ${fmt(parsed)}`);
  if (parsed > max) return invalid(input, rule, `${input} must be at most ${fmt(max)}, got ${fmt(parsed)}`);
  return Either.right(parsed);
};

/** A 0x address; mixed case must carry a valid EIP-55 checksum. Returns the checksummed form. */
export const validateAddress = (input: string, value: string, options: { readonly allowZero?: boolean } = {}): V<Address> => {
  if (typeof value !== "string" || !isAddress(value, { strict: false })) {
    return invalid(input, "address", `${input} must be a 0x-prefixed 20-byte hex address, got ${JSON.stringify(value)}`);
  }
  if (!isAddress(value, { strict: true })) {
    return invalid(input, "address-checksum", `${input} has an invalid EIP-55 checksum: ${value}`);
  }
  const address = getAddress(value);
  if (!options.allowZero && address === zeroAddress) {
    return invalid(input, "address-zero", `${input} must not be the zero address`);
  }
  return Either.right(address);
};

/** A deposit or top-up amount: positive and at least MIN_DEPOSIT (1e9 wei). */
export const validateDepositAmount = (input: string, value: IntegerLike): V<bigint> =>
  Either.flatMap(validateUint(input, value, { rule: "amount" }), (amount) =>
    amount === 0n
      ? invalid(input, "amount", `${input} must be greater than 0`)
      : amount < MIN_DEPOSIT
        ? invalid(input, "amount", `${input} is ${fmt(amount)} wei; the minimum deposit is ${fmt(MIN_DEPOSIT)} wei`)
        : Either.right(amount),
  );

/** A positive amount (withdrawals). */
export const validatePositiveAmount = (input: string, value: IntegerLike): V<bigint> =>
  Either.flatMap(validateUint(input, value, { rule: "amount" }), (amount) =>
    amount === 0n ? invalid(input, "amount", `${input} must be greater than 0`) : Either.right(amount),
  );

/** A project id that exists: 1..projectCount. */
export const validateProjectId = (input: string, value: IntegerLike, projectCount: number): V<number> =>
  Either.flatMap(validateUint(input, value, { rule: "project-id", max: MAX_UINT32 }), (id) =>
    id === 0n || id > BigInt(projectCount)
      ? invalid(
          input,
          "unknown-project",
          `${input}: project ${id} does not exist (${projectCount === 0 ? "no projects yet" : `ids are 1..${projectCount}`})`,
        )
      : Either.right(Number(id)),
  );

/** A list of distinct known project ids (claim, harvestMany, deployMany). */
export const validateProjectIds = (input: string, values: ReadonlyArray<IntegerLike>, projectCount: number): V<number[]> =>
  Either.gen(function* () {
    if (values.length === 0) return yield* invalid(input, "empty", `${input} must list at least one project`);
    const ids: number[] = [];
    for (const [i, value] of values.entries()) {
      const id = yield* validateProjectId(`${input}[${i}]`, value, projectCount);
      if (ids.includes(id)) return yield* invalid(`${input}[${i}]`, "duplicate", `${input}[${i}]: project ${id} is listed twice`);
      ids.push(id);
    }
    return ids;
  });

/** The contract's _parseAllocation: 1..8 entries, strictly ascending known ids, bps > 0 summing to 10,000. */
export const validateAllocation = (
  input: string,
  values: ReadonlyArray<AllocationEntryInput>,
  projectCount: number,
): V<AllocationEntry[]> =>
  Either.gen(function* () {
    if (!Array.isArray(values) || values.length === 0) {
      return yield* invalid(input, "allocation-empty", `${input} is empty; give at least one project`);
    }
    if (values.length > MAX_PROJECTS_PER_POSITION) {
      return yield* invalid(
        input,
        "allocation-length",
        `${input} has ${values.length} entries; at most ${MAX_PROJECTS_PER_POSITION} are allowed`,
      );
    }
    const entries: AllocationEntry[] = [];
    let sum = 0n;
    let previous = 0;
    for (const [i, entry] of values.entries()) {
      const projectId = yield* validateProjectId(`${input}[${i}].projectId`, entry.projectId, projectCount);
      if (projectId <= previous) {
        return yield* invalid(
          `${input}[${i}].projectId`,
          "allocation-order",
          `${input}[${i}].projectId is ${projectId} after ${previous}; project ids must be strictly ascending`,
        );
      }
      const bps = yield* validateUint(`${input}[${i}].bps`, entry.bps, { rule: "allocation-bps", max: BPS });
      if (bps === 0n) {
        return yield* invalid(`${input}[${i}].bps`, "allocation-bps", `${input}[${i}].bps is 0; every entry needs a positive share`);
      }
      sum += bps;
      previous = projectId;
      entries.push({ projectId, bps: Number(bps) });
    }
    if (sum !== BPS) {
      return yield* invalid(input, "allocation-sum", `Allocation sums to ${fmt(sum)} bps; it must be exactly 10,000`);
    }
    return entries;
  });

/** Exactly the contract's _validateLaunch, in the same order. */
export const validateLaunchParams = (
  input: string,
  params: LaunchParamsInput,
  bounds: LaunchBounds = DEFAULT_LAUNCH_BOUNDS,
): V<LaunchParams> =>
  Either.gen(function* () {
    if (typeof params.name !== "string" || params.name.length === 0) {
      return yield* invalid(`${input}.name`, "empty", `${input}.name must not be empty`);
    }
    if (typeof params.symbol !== "string" || params.symbol.length === 0) {
      return yield* invalid(`${input}.symbol`, "empty", `${input}.symbol must not be empty`);
    }
    const launchPrice = yield* validateUint(`${input}.launchPrice`, params.launchPrice, {
      min: bounds.minLaunchPrice,
      max: bounds.maxLaunchPrice,
      rule: "bounds",
    });
    const maxSupply = yield* validateUint(`${input}.maxSupply`, params.maxSupply, {
      min: bounds.minMaxSupply,
      max: bounds.maxSupplyLimit,
      rule: "bounds",
    });
    const seedReserve = yield* validateUint(`${input}.seedReserve`, params.seedReserve, {
      min: bounds.minSeedReserve,
      max: maxSupply / 2n,
      rule: "bounds",
    });
    // The emission schedule gets what the seed reserve leaves.
    const dailyEmission = yield* validateUint(`${input}.dailyEmission`, params.dailyEmission, {
      min: 1n,
      max: maxSupply - seedReserve,
      rule: "bounds",
    });
    const decayBps = yield* validateUint(`${input}.decayBps`, params.decayBps, { max: bounds.maxDecayBps, rule: "bounds" });
    const contributorBps = yield* validateUint(`${input}.contributorBps`, params.contributorBps, {
      max: bounds.maxContributorBps,
      rule: "bounds",
    });
    const recipient = params.contributorRecipient ?? zeroAddress;
    const contributorRecipient = yield* validateAddress(`${input}.contributorRecipient`, recipient, { allowZero: true });
    if (contributorBps > 0n && contributorRecipient === zeroAddress) {
      return yield* invalid(
        `${input}.contributorRecipient`,
        "address-zero",
        `${input}.contributorRecipient must be set when contributorBps is ${contributorBps}`,
      );
    }
    return {
      name: params.name,
      symbol: params.symbol,
      metadataURI: params.metadataURI ?? "",
      launchPrice,
      dailyEmission,
      decayBps,
      maxSupply,
      seedReserve,
      contributorBps,
      contributorRecipient,
    };
  });
