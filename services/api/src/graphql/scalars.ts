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
