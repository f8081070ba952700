import { Effect } from "effect";
import { DevnetError } from "./errors.js";

/** One JSON-RPC call (no retries); a JSON-RPC error fails with its message. */
export const rpc = <A = unknown>(url: string, method: string, params: ReadonlyArray<unknown> = []) =>
  Effect.tryPromise({
    try: async () => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      });
      const body = (await response.json()) as { result?: A; error?: { message: string } };
      if (body.error !== undefined) throw new Error(body.error.message);
      return body.result as A;
    },
    catch: (cause) => new DevnetError({ message: `${method} on ${url}: ${(cause as Error).message}`, cause }),
  });

/** Saves the chain state (anvil's evm_snapshot); `evmRevert` goes back to it (each id works once). */
export const evmSnapshot = (url: string) => rpc<string>(url, "evm_snapshot");

/** Restores a state saved by `evmSnapshot`; fails when the node refuses. */
export const evmRevert = (url: string, id: string) =>
  Effect.flatMap(rpc<boolean>(url, "evm_revert", [id]), (ok) =>
    ok ? Effect.void : Effect.fail(new DevnetError({ message: `evm_revert(${id}) returned ${String(ok)} on ${url}` })),
  );

/** The chain head's number. */
export const blockNumber = (url: string) => Effect.map(rpc<string>(url, "eth_blockNumber"), (hex) => BigInt(hex));
