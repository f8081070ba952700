import { type Address, type Client, type GetContractReturnType, getContract } from "viem";
import {
  mockStETHAbi,
  mockWstETHAbi,
  projectTokenAbi,
  technoCapitalMachineAbi,
  uniswapV2FactoryAbi,
  uniswapV2PairAbi,
  uniswapV2Router02Abi,
} from "./generated/artifacts.js";

/**
 * Typed viem contract instances over the generated `as const` ABIs. The stETH/wstETH bindings use the mocks'
 * ABIs, a superset of the Lido functions the machine uses (on mainnet only the Lido subset exists).
 */
export const machineContract = <C extends Client>(
  client: C,
  address: Address,
): GetContractReturnType<typeof technoCapitalMachineAbi, C> =>
  getContract({ address, abi: technoCapitalMachineAbi, client });
export const stEthContract = <C extends Client>(
  client: C,
  address: Address,
): GetContractReturnType<typeof mockStETHAbi, C> => getContract({ address, abi: mockStETHAbi, client });
export const wstEthContract = <C extends Client>(
  client: C,
  address: Address,
): GetContractReturnType<typeof mockWstETHAbi, C> => getContract({ address, abi: mockWstETHAbi, client });
export const projectTokenContract = <C extends Client>(
  client: C,
  address: Address,
): GetContractReturnType<typeof projectTokenAbi, C> => getContract({ address, abi: projectTokenAbi, client });
export const pairContract = <C extends Client>(
  client: C,
  address: Address,
): GetContractReturnType<typeof uniswapV2PairAbi, C> => getContract({ address, abi: uniswapV2PairAbi, client });
export const routerContract = <C extends Client>(
  client: C,
  address: Address,
): GetContractReturnType<typeof uniswapV2Router02Abi, C> => getContract({ address, abi: uniswapV2Router02Abi, client });
export const factoryContract = <C extends Client>(
  client: C,
  address: Address,
): GetContractReturnType<typeof uniswapV2FactoryAbi, C> => getContract({ address, abi: uniswapV2FactoryAbi, client });

/** The deployment's fixed contracts bound to one client. Project tokens and pairs are bound per address. */
export const tcmContracts = <C extends Client>(
  client: C,
  deployment: {
    readonly machine: Address;
    readonly stETH: Address;
    readonly wstETH: Address;
    readonly uniswapV2Router: Address;
    readonly uniswapV2Factory: Address;
  },
): TcmContracts<C> => ({
  machine: machineContract(client, deployment.machine),
  stETH: stEthContract(client, deployment.stETH),
  wstETH: wstEthContract(client, deployment.wstETH),
  router: routerContract(client, deployment.uniswapV2Router),
  factory: factoryContract(client, deployment.uniswapV2Factory),
  projectToken: (address: Address) => projectTokenContract(client, address),
  pair: (address: Address) => pairContract(client, address),
});

export interface TcmContracts<C extends Client> {
  readonly machine: GetContractReturnType<typeof technoCapitalMachineAbi, C>;
  readonly stETH: GetContractReturnType<typeof mockStETHAbi, C>;
  readonly wstETH: GetContractReturnType<typeof mockWstETHAbi, C>;
  readonly router: GetContractReturnType<typeof uniswapV2Router02Abi, C>;
  readonly factory: GetContractReturnType<typeof uniswapV2FactoryAbi, C>;
  readonly projectToken: (address: Address) => GetContractReturnType<typeof projectTokenAbi, C>;
  readonly pair: (address: Address) => GetContractReturnType<typeof uniswapV2PairAbi, C>;
}
