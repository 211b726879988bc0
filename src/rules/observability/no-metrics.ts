// observability/no-metrics: the service exposes no numbers to alert on.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { refs } from "../support.ts";
import { absenceConfidence, dependsOnAny, hasControl, serverServices, reportAbsence } from "../service-support.ts";

export const meta: RuleMeta = {
  id: "observability/no-metrics",
  area: "observability",
  severity: "low",
  title: "No application metrics",
  rationale:
    "Finds HTTP services that record no metrics: no prom-client (or express-prom-bundle, fastify-metrics, " +
    "@willsoto/nestjs-prometheus), no OpenTelemetry metrics, no StatsD / hot-shots / Datadog client and no APM agent. " +
    "Request rate, error rate and latency per route (the RED signals) are what alerts and SLOs are built on; logs can " +
    "be counted after the fact but are slow and expensive to aggregate. Without metrics an error spike or a slow " +
    "endpoint is noticed by users first. One finding per service.",
  examples: {
    bad: `const app = express();
app.use("/api", routes);`,
    good: `import promBundle from "express-prom-bundle";
app.use(promBundle({ includeMethod: true, includePath: true }));
app.use("/api", routes);`,
  },
  references: [
    refs.cwe(778, "Insufficient Logging"),
    refs.asvs("16.4.3", "Logs are sent to a separate system for analysis, detection, alerting and escalation"),
    refs.top10(2021, 9, "Security Logging and Monitoring Failures"),
    { title: "Prometheus: Instrumentation best practices", url: "https://prometheus.io/docs/practices/instrumentation/" },
  ],
};

/** An absence claim; metrics may come from a mesh or an agent loaded outside the code (decide, scaled by understanding). */
const CONFIDENCE = 72;

const METRICS_PACKAGES = [
  "prom-client", "express-prom-bundle", "fastify-metrics", "@willsoto/nestjs-prometheus", "express-prometheus-middleware", "prometheus-api-metrics",
  "hot-shots", "node-statsd", "statsd-client", "lynx", "datadog-metrics", "dd-trace", "newrelic", "elastic-apm-node", "@opentelemetry/sdk-metrics",
  "@opentelemetry/auto-instrumentations-node", "@opentelemetry/sdk-node", "@sentry/node", "applicationinsights", "@google-cloud/opentelemetry-cloud-monitoring-exporter",
];

const messages = {
  finding: (service: string) => `Service ${service} records no metrics: request rate, errors and latency per route cannot be graphed or alerted on.`,
  question: (service: string) => `Are ${service}'s requests measured outside the code (a service mesh, an APM agent loaded with --require)? If so, note it in the bka config.`,
};

const OPTIONS: Option[] = [
  {
    title: "Prometheus: prom-client with a request-duration histogram (express-prom-bundle, fastify-metrics) and a /metrics route",
    pros: ["De-facto standard; default Node process metrics included"],
    cons: ["Protect /metrics from the public; mind label cardinality (route templates, not raw paths)"],
  },
  {
    title: "OpenTelemetry metrics (with traces) exported to the backend in use",
    pros: ["One SDK for metrics and traces; vendor neutral"],
    cons: ["More setup than a Prometheus client"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const served of serverServices(model)) {
    const { service } = served;
    if (hasControl(model, service.id, ["metrics"]) || dependsOnAny(service, METRICS_PACKAGES)) continue;
    const confidence = absenceConfidence(model, CONFIDENCE);
    reportAbsence(model, ctx, served, {
      confidence,
      message: messages.finding(service.id),
      missing: "no metrics middleware or client anywhere",
      summary: `Record request rate, errors and duration per route for ${service.id}, and alert on them.`,
      options: OPTIONS,
      question: messages.question(service.id),
    });
  }
}

export const rule: Rule = { meta, check };
