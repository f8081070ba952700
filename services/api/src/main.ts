/**
 * The TCM API: `node --import tsx services/api/src/main.ts`. Configuration through Effect Config only
 * (TCM_RPC_URLS, TCM_DEPLOYMENT_FILE, TCM_SUBGRAPH_URL, TCM_API_PORT, TCM_API_CORS_ORIGINS, TCM_API_MAX_BODY_BYTES,
 * TCM_API_TIMEOUT_MS; see ApiConfig.ts for the optional rest).
 */
import { NodeRuntime } from "@effect/platform-node";
import { ChainClient, Deployment } from "@tcm/chain";
import { Config, Effect, Layer } from "effect";
import { ApiSettings } from "./ApiConfig.js";
import { ApiServer, chainClientOptions } from "./server.js";

const ChainLive = Layer.unwrapEffect(
  Effect.map(Config.array(Config.string(), "TCM_RPC_URLS"), (rpcUrls) =>
    ChainClient.layer(chainClientOptions(rpcUrls)),
  ),
);

const MainLive = ApiServer.pipe(Layer.provide(Layer.mergeAll(ApiSettings.Default, ChainLive, Deployment.Default)));

NodeRuntime.runMain(Layer.launch(MainLive));
