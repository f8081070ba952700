/** The answer cache keeps an answer from the second time its key is asked, one block at a time. */
import { describe, expect, it } from "vitest";
import { type HttpResult, ResponseCache } from "../src/graphql/execute.js";

const answer = (n: number): HttpResult => ({ status: 200, body: { data: { n } } });

describe("ResponseCache", () => {
  it("does not keep a key asked once; keeps it from the second time", () => {
    const cache = new ResponseCache(10).at(1n);
    cache.set("q", answer(1));
    expect(cache.get("q")).toBeUndefined();
    cache.set("q", answer(2));
    expect(cache.get("q")?.body).toEqual(answer(2).body);
  });

  it("serialises a kept answer once: what it returns and serves is the answer's JSON bytes", () => {
    const cache = new ResponseCache(10).at(1n);
    const first = answer(1);
    expect(cache.set("q", first)).toBe(first);
    const kept = cache.set("q", answer(1));
    expect(new TextDecoder().decode(kept.encoded)).toBe(JSON.stringify(answer(1).body));
    expect(cache.get("q")).toBe(kept);
  });

  it("drops answers at the next block, but remembers keys seen at an earlier block", () => {
    const cache = new ResponseCache(10);
    cache.at(1n).set("q", answer(1));
    cache.at(1n).set("q", answer(1));
    expect(cache.at(1n).get("q")?.body).toEqual(answer(1).body);
    expect(cache.at(2n).get("q")).toBeUndefined();
    cache.at(2n).set("q", answer(3));
    expect(cache.at(2n).get("q")?.body).toEqual(answer(3).body);
  });

  it("holds at most maxEntries answers (oldest out)", () => {
    const cache = new ResponseCache(2).at(1n);
    for (const key of ["a", "b", "c"]) for (let i = 0; i < 2; i++) cache.set(key, answer(key.charCodeAt(0)));
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("b")?.body).toEqual(answer(98).body);
    expect(cache.get("c")?.body).toEqual(answer(99).body);
  });
});
