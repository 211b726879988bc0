// performance/json-in-loop: JSON.parse / JSON.stringify per item of a loop while serving a request (one finding per service).
import type { ArchitectureModel, Endpoint } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeEndpoint, describeLocation, questionIfAsk, refs } from "../support.ts";
import { callsOnRequestPaths, type ReachedCall } from "../runtime-support.ts";
import { compareText } from "../../model/order.ts";

export const meta: RuleMeta = {
  id: "performance/json-in-loop",
  area: "performance",
  severity: "low",
  title: "JSON parsed or serialised inside a loop on a request path",
  rationale:
    "Finds `JSON.parse` and `JSON.stringify` called inside a loop (`for`, `forEach`, `map` …) in code a request handler " +
    "reaches, listed once per service. Both run synchronously on the event loop and cost time in proportion to the " +
    "size of the value: cloning each row with `JSON.parse(JSON.stringify(row))`, or serialising items one by one to " +
    "build a response, makes the request's CPU time grow with the list and blocks other requests meanwhile. Whether it " +
    "matters depends on how long the list can get, which bka cannot see: this finding asks.",
  examples: {
    bad: `app.get("/orders", async (req, res) => {
  const orders = await db.orders.findMany({ take: 500 });
  res.json(orders.map((o) => JSON.parse(JSON.stringify(o)))); // a deep copy per row
});`,
    good: `app.get("/orders", async (req, res) => {
  const orders = await db.orders.findMany({ take: 500, select: { id: true, total: true } });
  res.json(orders); // serialised once, by res.json
});`,
  },
  references: [
    refs.cwe(1050, "Excessive Platform Resource Consumption within a Loop"),
    refs.asvs("15.2.2", "Defenses against loss of availability due to resource-demanding functionality"),
    { title: "Node.js: Don't Block the Event Loop — JSON DoS", url: "https://nodejs.org/en/learn/asynchronous-work/dont-block-the-event-loop#blocking-the-event-loop-json-dos" },
  ],
};

/** The loop may be over a short, bounded list: a question. */
const CONFIDENCE = 60;
const MAX_LISTED = 8;

const OPTIONS: Option[] = [
  {
    title: "Serialise once: build the array of plain objects and let res.json / reply.send serialise it",
    pros: ["One pass over the data"],
    cons: ["Needs the items as plain objects (select only the fields you send)"],
  },
  {
    title: "Replace deep copies with structuredClone or a shallow spread, or avoid the copy",
    pros: ["Cheaper than a JSON round trip, and keeps Dates and Maps"],
    cons: ["structuredClone is still a deep copy"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const byService = new Map<string, ReachedCall[]>();
  for (const reached of callsOnRequestPaths(model, new Set(["json-in-loop"]))) {
    const serviceId = reached.endpoints[0].serviceId;
    byService.set(serviceId, [...(byService.get(serviceId) ?? []), reached]);
  }
  for (const [serviceId, calls] of [...byService].sort(([a], [b]) => compareText(a, b))) report(model, ctx, serviceId, calls);
}

function report(model: ArchitectureModel, ctx: RuleContext, serviceId: string, calls: ReachedCall[]): void {
  const routes = uniqueRoutes(calls.flatMap((c) => c.endpoints));
  const listed = calls.slice(0, MAX_LISTED).map((c) => `${c.call.api} at ${describeLocation(c.call.location)}`);
  const more = calls.length > MAX_LISTED ? ` and ${calls.length - MAX_LISTED} more` : "";
  ctx.report({
    confidence: CONFIDENCE,
    message: `${serviceId}: ${calls.length} JSON call(s) run once per item of a loop while serving ${routes.join(", ")}: ${listed.join("; ")}${more}.`,
    location: calls[0].call.location,
    subject: `${serviceId} json-in-loop`,
    evidence: calls.slice(0, MAX_LISTED).map((c) => ctx.codeEvidence(c.call.location, `${c.call.api} inside a loop, reached from ${describeEndpoint(c.endpoints[0])}`)),
    remediation: { summary: "Serialise or parse once per request, not once per item; avoid JSON round trips as deep copies.", options: OPTIONS },
    ...questionIfAsk(model, CONFIDENCE, `How long can the lists looped over at ${listed.slice(0, 3).join(", ")} get? If they are unbounded, serialise once per request.`),
  });
}

function uniqueRoutes(endpoints: Endpoint[]): string[] {
  return [...new Set(endpoints.map(describeEndpoint))].sort(compareText).slice(0, MAX_LISTED);
}

export const rule: Rule = { meta, check };
