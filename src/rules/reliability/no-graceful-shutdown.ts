// reliability/no-graceful-shutdown: a deploy or scale-down drops the requests in flight.
import type { ArchitectureModel, ProcessHandler, SourceLocation } from "../../model/types.ts";
import type { CodeEvidence, Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeLocation, questionIfAsk, refs } from "../support.ts";
import { absenceConfidence, hasControl, serviceAnchor, serverServices, type ServedService } from "../service-support.ts";

export const meta: RuleMeta = {
  id: "reliability/no-graceful-shutdown",
  area: "reliability",
  severity: "medium",
  title: "No graceful shutdown on SIGTERM",
  rationale:
    "Finds services that run their own HTTP server (Express, Fastify, Koa, NestJS; not serverless adapters or " +
    "file-routed frameworks) and do not stop cleanly when asked to: no SIGTERM handler that closes the server and its pools " +
    "(`server.close()`, `fastify.close()`, `pool.end()`), no shutdown library (@godaddy/terminus, http-terminator, " +
    "lightship, stoppable, close-with-grace) and no NestJS `enableShutdownHooks()` — or a handler that calls " +
    "`process.exit()` before the close it started has finished. Orchestrators (Kubernetes, ECS, systemd, Heroku) send " +
    "SIGTERM on every deploy, scale-down and node drain; Node's default is to die at once, so requests in flight fail, " +
    "transactions are cut mid-way and connections to the database are dropped instead of returned. One finding per service.",
  examples: {
    bad: `const server = app.listen(3000);
process.on("SIGTERM", () => process.exit(0));`,
    good: `const server = app.listen(3000);
process.on("SIGTERM", () => {
  server.close(async () => {
    await pool.end();
    process.exit(0);
  });
});`,
  },
  references: [
    refs.cwe(404, "Improper Resource Shutdown or Release"),
    refs.asvs("16.5.3", "The application fails gracefully and securely"),
    { title: "Kubernetes: Termination of Pods", url: "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination" },
    { title: "Node.js: server.close()", url: "https://nodejs.org/api/net.html#serverclosecallback" },
  ],
};

/**
 * Confidence: a handler that exits before its own close completes, or that closes nothing, is
 * read from the code (85). "No handler anywhere" is an absence claim: scaled by understanding (80).
 */
const CONFIDENCE = { flawedHandler: 85, noHandler: 80 } as const;

/** Shutdown managed by a library: everything but a bare `process.on`. */
const isLibrary = (library: string) => library !== "process";

const messages = {
  exitsEarly: (service: string, h: ProcessHandler, close: string, exit: string) =>
    `Service ${service} handles ${h.event} (${describeLocation(h.location)}) but calls process.exit at ${exit} right after starting ${close}, without waiting for it: requests still in flight are cut off.`,
  closesNothing: (service: string, h: ProcessHandler) =>
    `Service ${service} handles ${h.event} (${describeLocation(h.location)}) without closing its HTTP server or connection pools: in-flight requests are dropped and connections are not returned.`,
  noHandler: (service: string, endpoints: number) =>
    `Service ${service} (${endpoints} endpoint${endpoints === 1 ? "" : "s"}) has no SIGTERM handler and no shutdown library: on every deploy or scale-down the process dies with requests in flight.`,
  question: (service: string) => `Does something outside the code drain ${service} before it is stopped (a preStop hook, a proxy that waits)? If so, note it in the bka config.`,
};

const OPTIONS: Option[] = [
  {
    title: "Handle SIGTERM: stop accepting (server.close / app.close), wait for in-flight requests, close pools, then exit",
    pros: ["No dependency; full control of the order"],
    cons: ["Keep-alive connections keep server.close waiting: add a deadline or closeIdleConnections()"],
  },
  {
    title: "Use a shutdown library (@godaddy/terminus, http-terminator, close-with-grace; NestJS enableShutdownHooks)",
    pros: ["Handles keep-alive sockets and timeouts; readiness goes down first"],
    cons: ["One more dependency"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const served of serverServices(model)) {
    const id = served.service.id;
    if (hasControl(model, id, ["graceful-shutdown"], isLibrary)) continue;
    const handlers = (model.processHandlers ?? []).filter((h) => h.serviceId === id && (h.event === "SIGTERM" || h.event === "SIGINT"));
    const preferred = handlers.filter((h) => h.event === "SIGTERM").length ? handlers.filter((h) => h.event === "SIGTERM") : handlers;
    if (preferred.some((h) => h.closes.length > 0 && !h.exitsBeforeClosed)) continue;
    reportService(model, ctx, served, preferred);
  }
}

function reportService(model: ArchitectureModel, ctx: RuleContext, served: ServedService, handlers: ProcessHandler[]): void {
  const id = served.service.id;
  const early = handlers.find((h) => h.exitsBeforeClosed);
  const handler = early ?? handlers[0];
  if (early?.exitsBeforeClosed) {
    const { close, exit } = early.exitsBeforeClosed;
    const closeCall = early.closes.find((c) => sameLocation(c.location, close))?.call ?? "the close";
    report(model, ctx, id, CONFIDENCE.flawedHandler, messages.exitsEarly(id, early, closeCall, describeLocation(exit)), exit, [
      ctx.codeEvidence(exit, "exits without waiting for the close"),
      ctx.codeEvidence(close, "starts closing, with no callback or await"),
      ctx.codeEvidence(early.location, `${early.event} handler`),
    ]);
  } else if (handler) {
    report(model, ctx, id, CONFIDENCE.flawedHandler, messages.closesNothing(id, handler), handler.location, [ctx.codeEvidence(handler.location, `${handler.event} handler closes nothing`)]);
  } else {
    const anchor = serviceAnchor(served);
    report(model, ctx, id, absenceConfidence(model, CONFIDENCE.noHandler), messages.noHandler(id, served.endpoints.length), anchor.location, [ctx.codeEvidence(anchor.location, `${anchor.label}; no SIGTERM handler anywhere`)]);
  }
}

function report(model: ArchitectureModel, ctx: RuleContext, serviceId: string, confidence: number, message: string, location: SourceLocation, evidence: CodeEvidence[]): void {
  ctx.report({
    confidence,
    message,
    location,
    subject: `service ${serviceId}`,
    evidence,
    remediation: { summary: "On SIGTERM, stop accepting connections, let in-flight requests finish (with a deadline), close pools and clients, then exit.", options: OPTIONS },
    ...questionIfAsk(model, confidence, messages.question(serviceId)),
  });
}

function sameLocation(a: SourceLocation, b: SourceLocation): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column;
}

export const rule: Rule = { meta, check };
