// reliability/process-exit-in-request-path: process.exit() reachable while serving a request.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeLocation, questionIfAsk, refs } from "../support.ts";
import { endpointList } from "../query-support.ts";
import { callsOnRequestPaths } from "../runtime-support.ts";

export const meta: RuleMeta = {
  id: "reliability/process-exit-in-request-path",
  area: "reliability",
  severity: "high",
  title: "process.exit() reachable from a request handler",
  rationale:
    "Finds `process.exit()` calls in functions that a request handler reaches. Exiting stops the whole process at " +
    "once: every other request in flight is cut off mid-response, pending writes are lost, and until a supervisor " +
    "restarts it the service answers nobody. If a client can steer a request into that branch (an error path, a bad " +
    "input), it is a one-request denial of service. A handler should answer the one request with an error status and " +
    "leave shutting down to the process's signal handlers.",
  examples: {
    bad: `app.post("/import", async (req, res) => {
  if (!isValid(req.body)) {
    console.error("invalid import");
    process.exit(1); // takes every other request down with it
  }
});`,
    good: `app.post("/import", async (req, res) => {
  if (!isValid(req.body)) return res.status(400).json({ error: "invalid import" });
});`,
  },
  references: [
    refs.cwe(382, "J2EE Bad Practices: Use of System.exit()"),
    refs.asvs("16.5.4", "An error does not take down the entire application process"),
    { title: "Node.js: process.exit()", url: "https://nodejs.org/api/process.html#processexitcode" },
  ],
};

/** The call graph proves the call is reachable from a handler; whether a branch is taken is not needed to call it wrong. */
const CONFIDENCE = 90;

const OPTIONS: Option[] = [
  {
    title: "Answer the request with an error status (4xx / 5xx) and keep the process running",
    pros: ["Only the failing request is affected"],
    cons: ["A truly broken state must then be detected elsewhere (health checks)"],
  },
  {
    title: "Throw, and let the error handler answer; exit only from a top-level fatal-error handler after a graceful close",
    pros: ["In-flight requests finish; the supervisor restarts a clean process"],
    cons: ["Needs a graceful-shutdown routine (server.close, pool.end)"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const { call, endpoints } of callsOnRequestPaths(model, new Set(["process-exit"]))) {
    const where = describeLocation(call.location);
    ctx.report({
      confidence: CONFIDENCE,
      message: `${endpointList(endpoints)} can reach process.exit() at ${where}: one request ends the process and every other request in flight with it.`,
      location: call.location,
      subject: call.id,
      evidence: [
        ctx.codeEvidence(call.location, "process.exit() stops the whole server"),
        ctx.codeEvidence(endpoints[0].location, `reached while serving ${endpointList(endpoints.slice(0, 1))}`),
      ],
      remediation: {
        summary: "Answer the request with an error status instead of exiting; leave shutdown to the process's signal handlers.",
        options: OPTIONS,
        fix: { description: "Replace process.exit() with an error response.", location: call.location, replacement: "return res.status(500).json({ error: \"internal error\" })" },
      },
      ...questionIfAsk(model, CONFIDENCE, `Is the process.exit() at ${where} meant to stop the server while it serves requests?`),
    });
  }
}

export const rule: Rule = { meta, check };
