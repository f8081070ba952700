/**
 * History's request merging (no network): several typed subgraph requests become one valid query whose variables and
 * root fields are prefixed per request, checked against the subgraph's query schema as graph-node derives it.
 */
import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { querySchema } from "../../../subgraph/scripts/query-schema.mjs";
import { mergeRequests } from "../src/History.js";
import * as queries from "../src/subgraph/queries.js";

const schema = querySchema();
const page = { first: 5, skip: 0 };

describe("mergeRequests", () => {
  it("merges every request the API makes into one query that validates against the subgraph's schema", () => {
    const requests = [
      queries.protocolTotals(),
      queries.protocolDaily(page),
      queries.projectHarvests("1", page),
      queries.projectDeploySteps("2", { first: 1, skip: 3 }),
      queries.projectDaily("1", page),
      queries.projectTotals("3"),
      queries.projectDeployment("1", 20_000n),
      queries.accountDeposits("0xAbC0000000000000000000000000000000000001", page),
      queries.accountWithdrawals("0xabc0000000000000000000000000000000000001", page),
      queries.accountClaims("0xabc0000000000000000000000000000000000001", page),
    ];
    const merged = mergeRequests(requests);
    expect(validate(schema, parse(merged.document)).map((e) => e.message)).toEqual([]);
    // Each request's variables under its own prefix; accounts lowercased as graph-node stores them.
    expect(merged.variables).toMatchObject({
      h2_project: "1",
      h3_project: "2",
      h3_first: 1,
      h3_skip: 3,
      h5_id: "3",
      h6_id: "1",
      h6_day: "1-20000",
      h6_project: "1",
      h7_account: "0xabc0000000000000000000000000000000000001",
    });
    // Root fields keep their own keys (to split the answer) and are aliased h<i>_<key> in the query.
    expect(merged.keys[6]).toEqual(["project", "projectDaySnapshot", "deploySteps"]);
    for (const [i, keys] of merged.keys.entries())
      for (const key of keys) expect(merged.document).toContain(`h${i}_${key}: `);
    expect(merged.document).toContain("_meta {");
  });

  it("the same query twice (two projects) stays two requests with their own variables", () => {
    const merged = mergeRequests([queries.projectHarvests("1", page), queries.projectHarvests("2", page)]);
    expect(validate(schema, parse(merged.document))).toEqual([]);
    expect([merged.variables["h0_project"], merged.variables["h1_project"]]).toEqual(["1", "2"]);
    expect(merged.document.match(/harvests\(/g)).toHaveLength(2);
    // Both spread the shared selection: its fragment is defined once in the merged document.
    expect(merged.document.match(/fragment HarvestFields on Harvest/g)).toHaveLength(1);
    expect(merged.document.match(/\.\.\.HarvestFields/g)).toHaveLength(2);
  });

  it("a query with a field the subgraph does not have fails validation (what codegen enforces at build time)", () => {
    const merged = mergeRequests([queries.projectTotals("1")]);
    const renamed = merged.document.replace("cumulativeWstEthDeployed", "cumulativeWstEthDeploid");
    expect(validate(schema, parse(renamed)).map((e) => e.message)).toEqual([
      expect.stringMatching(/Cannot query field "cumulativeWstEthDeploid"/),
    ]);
  });
});
