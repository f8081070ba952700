export { type ApiConfig, ApiSettings, apiConfig, loadApiConfig } from "./ApiConfig.js";
export * from "./errors.js";
export { LiveState, type LiveBlock, type LiveProject } from "./LiveState.js";
export { History } from "./History.js";
export { Previews } from "./Previews.js";
export { ApiServer, ApiServices, chainClientOptions, serverUrl } from "./server.js";
export { makeSchema, printedSchema } from "./graphql/schema.js";
export { SCHEMA_VERSION } from "./graphql/sdl.js";
export { renderPrometheus } from "./Metrics.js";
