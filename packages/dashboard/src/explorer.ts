/** Block explorers of the networks that have one (the devnet has none). */
const EXPLORERS: Record<number, string> = {
  1: "https://etherscan.io",
  11155111: "https://sepolia.etherscan.io",
  17000: "https://holesky.etherscan.io",
  560048: "https://hoodi.etherscan.io",
};

export const explorer = (chainId: number): string | undefined => EXPLORERS[chainId];
