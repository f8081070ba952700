import { validateAddress } from "@tcm/chain";
import { Either } from "effect";
import { GraphQLScalarType, Kind, type ValueNode } from "graphql";
import { isHex } from "viem";

const UINT = /^\d+$/;
const MAX_UINT256 = (1n << 256n) - 1n;

const parseBigInt = (value: unknown): bigint => {
  if (typeof value === "string" && UINT.test(value)) {
    const n = BigInt(value);
    if (n > MAX_UINT256) throw new TypeError("BigInt must be at most 2^256 − 1");
    return n;
  }
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw new TypeError(`BigInt must be a non-negative integer as a decimal string, got ${JSON.stringify(value)}`);
};

export const BigIntScalar = new GraphQLScalarType<bigint, string>({
  name: "BigInt",
  serialize: (value) => {
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "number" && Number.isInteger(value)) return String(value);
    if (typeof value === "string" && /^-?\d+$/.test(value)) return value;
    throw new TypeError(`cannot serialize ${String(value)} as BigInt`);
  },
  parseValue: parseBigInt,
  parseLiteral: (node: ValueNode) => {
    if (node.kind === Kind.STRING || node.kind === Kind.INT)
      return parseBigInt(node.kind === Kind.INT ? node.value : node.value);
    throw new TypeError("BigInt must be a decimal string (or an integer literal)");
  },
});

const parseAddress = (value: unknown): string => {
  const result = validateAddress("address", typeof value === "string" ? value : String(value), { allowZero: true });
  if (Either.isLeft(result)) throw new TypeError(result.left.message.replace(/^address /, "an Address "));
  return result.right;
};

export const AddressScalar = new GraphQLScalarType<string, string>({
  name: "Address",
  serialize: (value) => String(value),
  parseValue: parseAddress,
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING) throw new TypeError("an Address must be a string");
    return parseAddress(node.value);
  },
});

export const BytesScalar = new GraphQLScalarType<string, string>({
  name: "Bytes",
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value !== "string" || !isHex(value)) throw new TypeError("Bytes must be 0x-prefixed hex");
    return value;
  },
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING || !isHex(node.value)) throw new TypeError("Bytes must be 0x-prefixed hex");
    return node.value;
  },
});

// ------------------------------------------------------------------ paging (refused before execution: HTTP 400)

export const MAX_PAGE_SIZE = 100;

const parsePageSize = (value: unknown): number => {
  if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= MAX_PAGE_SIZE) return value;
  throw new TypeError(`a page size must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${JSON.stringify(value)}`);
};

export const PageSizeScalar = new GraphQLScalarType<number, number>({
  name: "PageSize",
  serialize: (value) => Number(value),
  parseValue: parsePageSize,
  parseLiteral: (node) => {
    if (node.kind !== Kind.INT) throw new TypeError(`a page size must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    return parsePageSize(Number(node.value));
  },
});

/** Which list a cursor belongs to, the newest timestamp its page starts at, and items of that timestamp to skip. */
export interface PageCursor {
  readonly list: "harvests" | "deploySteps";
  readonly before: bigint;
  readonly skip: number;
}

/** Items of one timestamp a cursor may skip (graph-node refuses skip beyond 5000). */
const MAX_CURSOR_SKIP = 5_000;
const CURSOR = /^(harvests|deploySteps):(\d{1,20}):(\d{1,4})$/;

export const encodeCursor = (cursor: PageCursor): string =>
  Buffer.from(`${cursor.list}:${cursor.before}:${cursor.skip}`).toString("base64url");

const parseCursor = (value: unknown): PageCursor => {
  const refuse = () =>
    new TypeError(
      `${JSON.stringify(value)} is not a cursor of this API: pass a page's pageInfo.endCursor as it is (omit after for the first page)`,
    );
  if (typeof value !== "string" || !/^[A-Za-z0-9_-]{1,96}$/.test(value)) throw refuse();
  const match = CURSOR.exec(Buffer.from(value, "base64url").toString("utf8"));
  if (match === null || Number(match[3]) > MAX_CURSOR_SKIP) throw refuse();
  return { list: match[1] as PageCursor["list"], before: BigInt(match[2]!), skip: Number(match[3]) };
};

export const CursorScalar = new GraphQLScalarType<PageCursor, string>({
  name: "Cursor",
  serialize: (value) => (typeof value === "string" ? value : encodeCursor(value as PageCursor)),
  parseValue: parseCursor,
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING) throw new TypeError("a cursor is a string: a page's pageInfo.endCursor");
    return parseCursor(node.value);
  },
});
