/**
 * Input validation shared by every transaction builder: the contract's own rules, checked before a transaction is
 * built, each failure an `InvalidInput` naming the input. Pure (Either), no I/O.
 */
import { Either } from "effect";
import { type Address, getAddress, isAddress, maxUint256, zeroAddress } from "viem";
import {
  BPS,
  DEFAULT_LAUNCH_BOUNDS,
  type LaunchBounds,
  MIN_DEPOSIT,
  type TcmError,
  allocation,
  allocationError,
  launchParamsError,
} from "@tcm/domain";
import type { LaunchParams as DomainLaunchParams } from "@tcm/domain";
import { InvalidInput } from "./errors.js";

// TechnoCapitalMachine's constants and input rules are @tcm/domain's (the one reference, checked against the contract
// in its tests); re-exported here for the transaction builders' callers.
export {
  BPS,
  DEFAULT_LAUNCH_BOUNDS,
  type LaunchBounds,
  MAX_CONTRIBUTOR_BPS,
  MAX_DECAY_BPS,
  MAX_LAUNCH_PRICE,
  MAX_SUPPLY_LIMIT,
  MIN_DEPOSIT,
  MIN_LAUNCH_PRICE,
  MIN_MAX_SUPPLY,
  MIN_SEED_RESERVE,
} from "@tcm/domain";
export const MAX_PROJECTS_PER_POSITION = allocation.MAX_PROJECTS_PER_POSITION;
const MAX_UINT32 = 2n ** 32n - 1n;

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
/** The domain's LaunchParams with the recipient as a checksummed viem Address (what the ABI encoder takes). */
export type LaunchParams = Omit<DomainLaunchParams, "contributorRecipient"> & {
  readonly contributorRecipient: Address;
};

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
export const validateAddress = (
  input: string,
  value: string,
  options: { readonly allowZero?: boolean } = {},
): V<Address> => {
  if (typeof value !== "string" || !isAddress(value, { strict: false })) {
    return invalid(
      input,
      "address",
      `${input} must be a 0x-prefixed 20-byte hex address, got ${JSON.stringify(value)}`,
    );
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
export const validateProjectIds = (
  input: string,
  values: ReadonlyArray<IntegerLike>,
  projectCount: number,
): V<number[]> =>
  Either.gen(function* () {
    if (values.length === 0) return yield* invalid(input, "empty", `${input} must list at least one project`);
    const ids: number[] = [];
    for (const [i, value] of values.entries()) {
      const id = yield* validateProjectId(`${input}[${i}]`, value, projectCount);
      if (ids.includes(id))
        return yield* invalid(`${input}[${i}]`, "duplicate", `${input}[${i}]: project ${id} is listed twice`);
      ids.push(id);
    }
    return ids;
  });

const projectMissing = (input: string, id: bigint | number, projectCount: number) =>
  invalid(
    input,
    "unknown-project",
    `${input}: project ${id} does not exist (${projectCount === 0 ? "no projects yet" : `ids are 1..${projectCount}`})`,
  );

/**
 * The contract's _parseAllocation (@tcm/domain's allocationError: 1..8 entries, strictly ascending known ids, bps > 0
 * summing to 10,000), its refusal named after the entry.
 */
export const validateAllocation = (
  input: string,
  values: ReadonlyArray<AllocationEntryInput>,
  projectCount: number,
): V<AllocationEntry[]> =>
  Either.gen(function* () {
    if (!Array.isArray(values))
      return yield* invalid(input, "allocation-empty", `${input} is empty; give at least one project`);
    const entries: AllocationEntry[] = [];
    for (const [i, entry] of values.entries()) {
      const projectId = yield* validateUint(`${input}[${i}].projectId`, entry.projectId, {
        rule: "project-id",
        max: MAX_UINT32,
      });
      const bps = yield* validateUint(`${input}[${i}].bps`, entry.bps, { rule: "allocation-bps", max: BPS });
      entries.push({ projectId: Number(projectId), bps: Number(bps) });
    }
    const failure = allocationError(
      entries.map((e) => ({ projectId: e.projectId, bps: BigInt(e.bps) })),
      projectCount,
    );
    if (failure === undefined) return entries;
    const at = (projectId: number) => entries.findIndex((e) => e.projectId === projectId);
    switch (failure._tag) {
      case "TCM_AllocationEmpty":
        return yield* invalid(input, "allocation-empty", `${input} is empty; give at least one project`);
      case "TCM_AllocationTooLong":
        return yield* invalid(
          input,
          "allocation-length",
          `${input} has ${failure.length} entries; at most ${failure.max} are allowed`,
        );
      case "TCM_AllocationNotSorted": {
        const i = Number(failure.index);
        if (failure.projectId === 0) return yield* projectMissing(`${input}[${i}].projectId`, 0, projectCount);
        return yield* invalid(
          `${input}[${i}].projectId`,
          "allocation-order",
          `${input}[${i}].projectId is ${failure.projectId} after ${entries[i - 1]?.projectId ?? 0}; project ids must be strictly ascending`,
        );
      }
      case "TCM_UnknownProject":
        return yield* projectMissing(`${input}[${at(failure.projectId)}].projectId`, failure.projectId, projectCount);
      case "TCM_AllocationZeroBps":
        return yield* invalid(
          `${input}[${at(failure.projectId)}].bps`,
          "allocation-bps",
          `${input}[${at(failure.projectId)}].bps is 0; every entry needs a positive share`,
        );
      case "TCM_AllocationSumNot10000":
        return yield* invalid(
          input,
          "allocation-sum",
          `Allocation sums to ${fmt(failure.sum)} bps; it must be exactly 10,000`,
        );
      default:
        return yield* invalid(input, "allocation", `${input} is refused: ${failure._tag}`);
    }
  });

/** A launch bound's refusal, worded like validateUint's. */
const outOfBounds = (input: string, value: bigint, min: bigint, max: bigint) =>
  invalid(
    input,
    "bounds",
    value < min
      ? `${input} must be at least ${fmt(min)}, got ${fmt(value)}`
      : `${input} must be at most ${fmt(max)}, got ${fmt(value)}`,
  );

/** Maps the domain's launch refusal (the contract's custom error) to the parameter it names. */
const launchFailure = (input: string, failure: TcmError): V<never> => {
  switch (failure._tag) {
    case "TCM_EmptyName":
      return invalid(`${input}.name`, "empty", `${input}.name must not be empty`);
    case "TCM_EmptySymbol":
      return invalid(`${input}.symbol`, "empty", `${input}.symbol must not be empty`);
    case "TCM_NameTooLong":
      return invalid(
        `${input}.name`,
        "length",
        `${input}.name is ${failure.length} bytes (UTF-8); at most ${failure.max}`,
      );
    case "TCM_SymbolTooLong":
      return invalid(
        `${input}.symbol`,
        "length",
        `${input}.symbol is ${failure.length} bytes (UTF-8); at most ${failure.max}`,
      );
    case "TCM_MetadataURITooLong":
      return invalid(
        `${input}.metadataURI`,
        "length",
        `${input}.metadataURI is ${failure.length} bytes (UTF-8); at most ${failure.max}`,
      );
    case "TCM_LaunchPriceOutOfBounds":
      return outOfBounds(`${input}.launchPrice`, failure.value, failure.min, failure.max);
    case "TCM_MaxSupplyOutOfBounds":
      return outOfBounds(`${input}.maxSupply`, failure.value, failure.min, failure.max);
    case "TCM_SeedReserveOutOfBounds":
      return outOfBounds(`${input}.seedReserve`, failure.value, failure.min, failure.max);
    case "TCM_DailyEmissionOutOfBounds":
      return outOfBounds(`${input}.dailyEmission`, failure.value, failure.min, failure.max);
    case "TCM_DecayOutOfBounds":
      return outOfBounds(`${input}.decayBps`, failure.value, 0n, failure.max);
    case "TCM_ContributorShareOutOfBounds":
      return outOfBounds(`${input}.contributorBps`, failure.value, 0n, failure.max);
    case "TCM_ContributorRecipientZero":
      return invalid(
        `${input}.contributorRecipient`,
        "address-zero",
        `${input}.contributorRecipient must be set when contributorBps is not 0`,
      );
    default:
      return invalid(input, "launch", `${input} is refused: ${failure._tag}`);
  }
};

/** Exactly the contract's _validateLaunch (@tcm/domain's launchParamsError), each refusal naming its parameter. */
export const validateLaunchParams = (
  input: string,
  params: LaunchParamsInput,
  bounds: LaunchBounds = DEFAULT_LAUNCH_BOUNDS,
): V<LaunchParams> =>
  Either.gen(function* () {
    if (typeof params.name !== "string")
      return yield* invalid(`${input}.name`, "empty", `${input}.name must be a string`);
    if (typeof params.symbol !== "string")
      return yield* invalid(`${input}.symbol`, "empty", `${input}.symbol must be a string`);
    const uint = (
      field: keyof LaunchParamsInput &
        ("launchPrice" | "dailyEmission" | "decayBps" | "maxSupply" | "seedReserve" | "contributorBps"),
    ) => validateUint(`${input}.${field}`, params[field], { rule: "bounds" });
    const parsed = {
      name: params.name,
      symbol: params.symbol,
      metadataURI: params.metadataURI ?? "",
      launchPrice: yield* uint("launchPrice"),
      maxSupply: yield* uint("maxSupply"),
      seedReserve: yield* uint("seedReserve"),
      dailyEmission: yield* uint("dailyEmission"),
      decayBps: yield* uint("decayBps"),
      contributorBps: yield* uint("contributorBps"),
      contributorRecipient: yield* validateAddress(
        `${input}.contributorRecipient`,
        params.contributorRecipient ?? zeroAddress,
        { allowZero: true },
      ),
    };
    const failure = launchParamsError(
      { ...parsed, contributorRecipient: parsed.contributorRecipient.toLowerCase() as `0x${string}` },
      bounds,
    );
    return failure === undefined ? parsed : yield* launchFailure(input, failure);
  });
