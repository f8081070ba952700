/**
 * Display only: raw on-chain integers (wei, token wei) as decimal text and chart numbers. No figure is derived here;
 * each value shown is one the API returned, scaled by its decimals.
 */
import { formatUnits } from "viem";

const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** A raw integer string as decimal text: grouped thousands, at most `places` decimals (significant ones below 1). */
export const amount = (raw: string | bigint | null | undefined, decimals = 18, places = 4): string => {
  if (raw === null || raw === undefined) return "—";
  return decimal(formatUnits(BigInt(raw), decimals), places);
};

/** A decimal string (the API's `…Decimal` fields) as display text. */
export const decimal = (text: string | null | undefined, places = 4): string => {
  if (text === null || text === undefined) return "—";
  const negative = text.startsWith("-");
  const [whole = "0", fraction = ""] = (negative ? text.slice(1) : text).split(".");
  let kept: string;
  if (whole !== "0" || fraction === "") kept = fraction.slice(0, places);
  else {
    // Below 1: keep `places` significant digits, but no more than max(places, 8) decimals (dust reads as dust).
    const leading = fraction.length - fraction.replace(/^0+/, "").length;
    const limit = Math.max(places, 8);
    kept = fraction.slice(0, Math.min(leading + places, limit));
    if (/^0*$/.test(kept) && /[1-9]/.test(fraction)) return `${negative ? "> -" : "< "}0.${"0".repeat(limit - 1)}1`;
  }
  kept = kept.replace(/0+$/, "");
  return `${negative ? "-" : ""}${group(whole)}${kept === "" ? "" : `.${kept}`}`;
};

/** A raw integer string as a chart number (exact up to float precision). */
export const num = (raw: string | bigint, decimals = 18): number => Number(formatUnits(BigInt(raw), decimals));

/** A fraction ("0.999", or a number) as a percentage. */
export const percent = (fraction: string | number | null | undefined, places = 2): string => {
  if (fraction === null || fraction === undefined) return "—";
  const value = Number(fraction) * 100;
  const shown = value.toFixed(places);
  // Rounding may not reach a bound the value does not: 99.99999 % of the LP is not all of it (Uniswap locks 1,000 wei
  // of every pool's LP forever), and a part above nothing is not nothing.
  const step = `${(10 ** -places).toFixed(places)}`;
  if (Number(shown) === 100 && value < 100) return `> ${trim((100 - 10 ** -places).toFixed(places))} %`;
  if (Number(shown) === 0 && value > 0) return `< ${trim(step)} %`;
  return `${trim(shown)} %`;
};

/** Basis points as a percentage. */
export const bps = (value: number): string => `${trim((value / 100).toFixed(2))} %`;

/** "12.50" → "12.5", "100.00" → "100", "7" → "7": zeros dropped after the decimal point only. */
const trim = (fixed: string): string => (fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed);

/** A UTC day number (timestamp / 86400) as YYYY-MM-DD. */
export const day = (dayId: number): string => new Date(dayId * 86_400_000).toISOString().slice(0, 10);

/** A unix timestamp (seconds, string) as "YYYY-MM-DD HH:MM UTC". */
export const time = (seconds: string | bigint): string =>
  `${new Date(Number(seconds) * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;

export const short = (hex: string): string => (hex.length > 14 ? `${hex.slice(0, 8)}…${hex.slice(-6)}` : hex);

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const esc = (text: unknown): string => String(text).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
