import { Effect, Layer } from "effect";
import { type Address, zeroAddress } from "viem";
import { ChainClient } from "./ChainClient.js";
import { Deployment, type DeploymentInfo } from "./Deployment.js";
import { technoCapitalMachineAbi } from "./generated/artifacts.js";

/**
 * A deployment read from the machine itself (its immutables) when only its address is known: stETH, wstETH, the
 * Uniswap V2 factory, the token deployer, genesis, the guardian, and the RPC's chain id. No router, no WETH, and
 * deployBlock 0 (nothing that reads these needs them: keepers and previews).
 */
export const deploymentFromMachine = Effect.fn("Deployment.fromMachine")(function* (machine: Address) {
  const chain = yield* ChainClient;
  const m = { address: machine, abi: technoCapitalMachineAbi } as const;
  const [chainId, stETH, wstETH, factory, tokenDeployer, genesis, guardian] = yield* chain.read(
    "deploymentFromMachine",
    (c) =>
      Promise.all([
        c.getChainId(),
        c.readContract({ ...m, functionName: "stETH" }),
        c.readContract({ ...m, functionName: "wstETH" }),
        c.readContract({ ...m, functionName: "factory" }),
        c.readContract({ ...m, functionName: "tokenDeployer" }),
        c.readContract({ ...m, functionName: "genesis" }),
        c.readContract({ ...m, functionName: "guardian" }),
      ]),
  );
  return {
    chainId,
    machine,
    stETH,
    wstETH,
    uniswapV2Factory: factory,
    uniswapV2Router: zeroAddress,
    weth: zeroAddress,
    tokenDeployer,
    guardian,
    genesis,
    deployBlock: 0n,
  } satisfies DeploymentInfo;
});

/** `Deployment` from the machine's address alone (see deploymentFromMachine). Needs a ChainClient. */
export const deploymentLayerFromMachine = (machine: Address) =>
  Layer.effect(
    Deployment,
    Effect.map(deploymentFromMachine(machine), (info) => new Deployment({ ...info, file: `(machine ${machine})` })),
  );
