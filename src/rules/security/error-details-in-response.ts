// security/error-details-in-response: stack traces and internal errors sent to clients.
import type { ArchitectureModel, SecuritySink } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, describeLocation, questionIfAsk, refs } from "../support.ts";
import { sinksOfKind } from "../sink-support.ts";
import { serviceOfFile } from "../../model/files.ts";

export const meta: RuleMeta = {
  id: "security/error-details-in-response",
  area: "security",
  severity: "medium",
  title: "Internal error details sent to the client",
  rationale:
    "Finds caught errors sent back in responses: `res.send(err.stack)`, `res.status(500).json(err)`, " +
    "`res.json({ error: err.message })` in a `catch` block or an Express error handler, Koa's `ctx.body = err.stack`, " +
    "and the `errorhandler` package used without a NODE_ENV check (it renders the stack trace for every error). " +
    "Stack traces give away file paths, library versions and code structure; library errors carry their own " +
    "fields (a Sequelize error serialises the failing SQL, an HTTP client error its request headers); messages " +
    "quote queries and values. Responses inside a NODE_ENV check are development-only and not reported.",
  examples: {
    bad: `app.use((err, req, res, next) => res.status(500).json({ error: err.message, stack: err.stack }));`,
    good: `app.use((err, req, res, next) => {
  logger.error({ err, requestId: req.id });
  res.status(500).json({ error: "Internal error", requestId: req.id });
});`,
  },
  references: [
    refs.cwe(209, "Generation of Error Message Containing Sensitive Information"),
    refs.asvs("16.5.1", "A generic message is returned when an unexpected or security-sensitive error occurs"),
    refs.asvs("13.4.2", "Debug modes are disabled in production"),
    refs.top10(2021, 5, "Security Misconfiguration"),
    refs.cheatSheet("Error_Handling"),
  ],
};

/**
 * A stack trace sent as-is is the claim itself; the errorhandler page is one unless the service never
 * runs in production; a serialised error object leaks what its library put on it; a message only
 * sometimes holds internals.
 */
const CONFIDENCE: Record<string, number> = { stack: 92, errorhandler: 85, "error object": 75, message: 60 };
/** Messages and serialised error objects are reported once per service with every place as evidence: they are a habit (one error helper fixes them all), and each one is only maybe a leak. */
const GROUPED = new Set(["message", "error object"]);

const OPTIONS: Option[] = [
  {
    title: "Log the error with a request id; answer with a generic message and the id",
    pros: ["Support can still find the error from what the client shows"],
    cons: ["Validation errors meant for the client need their own, explicit response"],
  },
  {
    title: "Send details only when NODE_ENV is development",
    pros: ["Developers keep the detail locally"],
    cons: ["A deployment that forgets NODE_ENV=production leaks again: prefer a generic message everywhere"],
  },
];

function check(model: ArchitectureModel, ctx: RuleContext): void {
  const sinks = sinksOfKind(model, ["error-details"]).sort((a, b) => byLocation(a.location, b.location));
  const groups = new Map<string, SecuritySink[]>();
  for (const sink of sinks) {
    const exposes = sink.exposes ?? "error object";
    const key = GROUPED.has(exposes) ? `${serviceOfFile(model.services, sink.location.file)?.id ?? "."} ${exposes}` : `${sink.id} ${exposes}`;
    groups.set(key, [...(groups.get(key) ?? []), sink]);
  }
  for (const [subject, group] of [...groups].sort(([, a], [, b]) => byLocation(a[0].location, b[0].location))) report(model, ctx, subject, group);
}

function report(model: ArchitectureModel, ctx: RuleContext, subject: string, group: SecuritySink[]): void {
  const first = group[0];
  const exposes = first.exposes ?? "error object";
  const confidence = CONFIDENCE[exposes] ?? CONFIDENCE["error object"];
  const places = group.map((s) => describeLocation(s.location)).join(", ");
  const what: Record<string, string> = {
    stack: `${first.api} at ${places} sends a caught error's stack trace to the client`,
    errorhandler: `errorhandler() at ${places} runs outside a NODE_ENV check: every error's stack trace is rendered to the client`,
    "error object": `A caught error object is serialised into the response at ${places}: its library's fields (SQL, request options) go to the client`,
    message: `Caught errors' messages are sent to the client at ${places}`,
  };
  ctx.report({
    confidence,
    message: `${what[exposes] ?? what["error object"]}.`,
    location: first.location,
    subject,
    evidence: group.map((s) => ctx.codeEvidence(s.location, exposes === "errorhandler" ? "errorhandler registered here" : `error ${exposes} sent here`)),
    references: meta.references,
    remediation: {
      summary: exposes === "errorhandler" ? "Register errorhandler only when NODE_ENV is development; in production answer with a generic message." : "Log the error server-side and answer with a generic message (and a request id).",
      options: OPTIONS,
    },
    ...questionIfAsk(model, confidence, `Are the error messages sent at ${places} written for clients, or can they carry internal details (queries, paths)?`),
  });
}

export const rule: Rule = { meta, check };
