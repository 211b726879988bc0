// observability/console-only-logging: the service's only logs are console.* lines.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeLocation, questionIfAsk, refs } from "../support.ts";
import { absenceConfidence, dependsOnAny, hasControl, serverServices } from "../service-support.ts";

export const meta: RuleMeta = {
  id: "observability/console-only-logging",
  area: "observability",
  severity: "low",
  title: "Server logs only through console.*",
  rationale:
    "Finds HTTP services that log only with `console.log` / `console.error` and use no logging library (pino, winston, " +
    "bunyan, log4js, Fastify's logger, NestJS's Logger) nor any logger object (`logger.info(…)`); console calls in " +
    "scripts, migrations and tests do not count. Console lines have no level a log pipeline can filter on, no " +
    "timestamp, no structure to query (user, request id, route) and no redaction of secrets; `console.log` writes " +
    "synchronously to a pipe and can stall the event loop under load. A structured logger writes JSON with levels and " +
    "context that log stores can search and alert on. One finding per service.",
  examples: {
    bad: `console.log("order created", order.id);
console.error(err);`,
    good: `import pino from "pino";
const logger = pino({ redact: ["req.headers.authorization"] });
logger.info({ orderId: order.id }, "order created");
logger.error({ err }, "payment failed");`,
  },
  references: [
    refs.cwe(778, "Insufficient Logging"),
    refs.asvs("16.2.4", "Logs can be read and correlated by the log processor, preferably in a common format"),
    refs.asvs("16.2.1", "Each log entry includes the metadata needed to investigate an event (when, where, who, what)"),
    refs.cheatSheet("Logging"),
  ],
};

/** The console calls are facts; that no logger is configured anywhere is an absence claim (75, decide). */
const CONFIDENCE = 75;
/** A few `logger.info(…)` calls mean a logger exists, even from a library bka does not know (a company wrapper). */
const LOGGER_CALLS_ENOUGH = 3;

const LOGGER_PACKAGES = ["pino", "winston", "bunyan", "log4js", "loglevel", "signale", "tslog", "consola", "roarr", "nestjs-pino", "@logtail/node", "pino-http", "express-winston", "nest-winston"];

const messages = {
  finding: (service: string, calls: number) =>
    `Service ${service} logs only through console.* (${calls} call${calls === 1 ? "" : "s"} in its server code) and configures no logger: its logs have no levels, no structure and no redaction.`,
  question: (service: string) => `Does ${service} ship its stdout through an agent that adds structure and levels? If so, note it in the bka config.`,
};

const OPTIONS: Option[] = [
  {
    title: "pino (JSON, fast, async by default); pino-http for request logs",
    pros: ["Structured, leveled, redaction built in", "Low overhead"],
    cons: ["JSON needs pino-pretty to read in development"],
  },
  {
    title: "winston (transports, formats)",
    pros: ["Flexible outputs (files, HTTP, cloud services)"],
    cons: ["Slower; more configuration"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const signals = new Map((model.serviceSignals ?? []).map((s) => [s.serviceId, s]));
  for (const { service } of serverServices(model)) {
    const own = signals.get(service.id);
    if (!own?.firstConsoleCall || own.consoleCalls === 0 || (own.loggerCalls ?? 0) >= LOGGER_CALLS_ENOUGH) continue;
    if (hasControl(model, service.id, ["logger"]) || hasControl(model, service.id, ["request-logging"], (l) => l === "fastify-logger")) continue;
    if (dependsOnAny(service, LOGGER_PACKAGES)) continue;
    const confidence = absenceConfidence(model, CONFIDENCE);
    ctx.report({
      confidence,
      message: messages.finding(service.id, own.consoleCalls),
      location: own.firstConsoleCall,
      subject: `service ${service.id}`,
      evidence: [
        ctx.codeEvidence(own.firstConsoleCall, `first of ${own.consoleCalls} console calls (${describeLocation(own.firstConsoleCall)})`),
        { kind: "measure", what: `console.* calls in ${service.id}'s server code`, value: own.consoleCalls, unit: "calls" },
      ],
      remediation: { summary: `Create one structured logger for ${service.id} and log through it, with levels and request context.`, options: OPTIONS },
      ...questionIfAsk(model, confidence, messages.question(service.id)),
    });
  }
}

export const rule: Rule = { meta, check };
