/** Printing: human tables and key/value blocks on stdout, JSON for scripts, a spinner on stderr (TTY only). */
import { Console, Effect } from "effect";

/** JSON with bigints as decimal strings (exact; JSON numbers lose precision past 2^53). */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);

export const printJson = (value: unknown) => Console.log(toJson(value));

const width = (s: string) => [...s].length;

/** A plain table: header row, a rule, rows; numbers (cells starting with a digit or "-digit") right-aligned. */
export const table = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^-?[\d.,]+%?$|^—$/.test(r[i] ?? "")));
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
};

/** "label   value" lines, labels aligned. */
export const keyValues = (pairs: ReadonlyArray<readonly [string, string]>): string => {
  const w = Math.max(0, ...pairs.map(([k]) => width(k)));
  return pairs.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join("\n");
};

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * Runs `effect` with a spinner and elapsed seconds on stderr, when stderr is a terminal; plain otherwise (logs,
 * pipes and tests see no control characters). The line is erased when the effect ends, however it ends.
 */
export const withSpinner = <A, E, R>(label: string, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
  if (!process.stderr.isTTY) return effect;
  const started = Date.now();
  return Effect.acquireUseRelease(
    Effect.sync(() => {
      let i = 0;
      const draw = () => {
        const seconds = Math.floor((Date.now() - started) / 1000);
        process.stderr.write(`\r\x1b[2K${FRAMES[i++ % FRAMES.length]} ${label} ${seconds}s`);
      };
      draw();
      return setInterval(draw, 100);
    }),
    () => effect,
    (timer) =>
      Effect.sync(() => {
        clearInterval(timer);
        process.stderr.write("\r\x1b[2K");
      }),
  );
};
