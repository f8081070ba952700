/** @tcm/cli as a library: the command tree and the pieces tests and other tools reuse. */
export { tcm, run, VERSION } from "./cli.js";
export { ExitCode, EXIT_CODES_HELP, report } from "./errors.js";
export { decryptKeystore, encryptKeystore, parseKeystore, KeystoreError, type KeystoreV3 } from "./keystore.js";
export { parseAllocation, parseBps, parseDecimal, parseIds, formatUnits } from "./units.js";
export { program } from "./program.js";
