// observability/no-tracing: a slow request cannot be followed through the services it calls.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { refs } from "../support.ts";
import { absenceConfidence, dependsOnAny, hasControl, serverServices, reportAbsence } from "../service-support.ts";

export const meta: RuleMeta = {
  id: "observability/no-tracing",
  area: "observability",
  severity: "info",
  title: "No distributed tracing",
  rationale:
    "Finds HTTP services with no tracing instrumentation: no OpenTelemetry (`@opentelemetry/*`), dd-trace, " +
    "elastic-apm-node, New Relic or similar agent. Traces show where the time of one request goes — which query, which " +
    "outbound call, which service — and carry the trace id that ties logs of several services together. Tracing " +
    "matters most once a request crosses several services or a database and a cache; for a small monolith good request " +
    "logs may be enough, which is why this finding is a question. One finding per service.",
  examples: {
    bad: `// server.js
const app = express();`,
    good: `// instrumentation.js, loaded with node --import ./instrumentation.js server.js
import { NodeSDK } from "@opentelemetry/sdk-node";
import { getNodeAutoInstrumentations } from "@opentelemetry/auto-instrumentations-node";
new NodeSDK({ instrumentations: [getNodeAutoInstrumentations()] }).start();`,
  },
  references: [
    refs.cwe(778, "Insufficient Logging"),
    refs.asvs("16.2.4", "Logs can be read and correlated by the log processor"),
    { title: "OpenTelemetry: Node.js getting started", url: "https://opentelemetry.io/docs/languages/js/getting-started/nodejs/" },
  ],
};

/** Whether a service needs tracing depends on its architecture: always a question. */
const CONFIDENCE = 60;

const TRACING_PACKAGES = [
  "@opentelemetry/", "dd-trace", "elastic-apm-node", "newrelic", "@sentry/node", "@sentry/nestjs", "applicationinsights", "@google-cloud/trace-agent", "aws-xray-sdk",
  "aws-xray-sdk-core", "@splunk/otel", "@honeycombio/opentelemetry-node", "@autotelic/fastify-opentelemetry", "instana", "@instana/collector", "@dynatrace/oneagent",
];

const messages = {
  finding: (service: string) => `Service ${service} has no tracing: the time of a slow request cannot be broken down into its queries and outbound calls, or followed across services.`,
  question: (service: string) => `Does ${service} call enough other services (or is it traced by an agent outside the code) for tracing to matter? Add OpenTelemetry, or note the decision in the bka config.`,
};

const OPTIONS: Option[] = [
  {
    title: "OpenTelemetry SDK with auto-instrumentations (HTTP, Express/Fastify, pg, redis…)",
    pros: ["Vendor neutral; traces, metrics and log correlation from one SDK"],
    cons: ["Must load before the app (--import); sampling and exporter to configure"],
  },
  {
    title: "A vendor APM agent (Datadog, Elastic, New Relic)",
    pros: ["Quick to start; dashboards included"],
    cons: ["Vendor lock-in and cost"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const served of serverServices(model)) {
    const { service } = served;
    if (hasControl(model, service.id, ["tracing"]) || dependsOnAny(service, TRACING_PACKAGES)) continue;
    const confidence = absenceConfidence(model, CONFIDENCE);
    reportAbsence(model, ctx, served, {
      confidence,
      message: messages.finding(service.id),
      missing: "no tracing SDK or agent anywhere",
      summary: `Decide whether ${service.id} needs traces; if so, start the OpenTelemetry SDK before the app.`,
      options: OPTIONS,
      question: messages.question(service.id),
    });
  }
}

export const rule: Rule = { meta, check };
