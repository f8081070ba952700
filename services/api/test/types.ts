import type { Address, Hex } from "viem";

export interface PreparedTxJson {
  readonly to: Address;
  readonly data: Hex;
  readonly value: string;
  readonly gasEstimate: string | null;
  readonly chainId: number;
}
