export { EMPTY_DIRECTORY_CID, type IpfsEndpoint, type IpfsOptions, KUBO_ADD_DEFAULTS, startIpfs } from "./server.js";
export { FsBlockstore } from "./FsBlockstore.js";
