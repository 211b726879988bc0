// RELIABILITY.md: timeout budgets, retries, breakers, availability arithmetic, degradation modes.
import { formatNumber } from "./plan.ts";
import { RETRY_BUDGET, type DegradationMode, type ReliabilityPlan } from "./reliability.ts";
import { assumptionsTable, figureLine, markdownTable } from "./render-common.ts";

export function reliabilityMd(service: string, plan: ReliabilityPlan, degradation: readonly DegradationMode[]): string {
  const { availability } = plan;
  const deps = plan.dependencies;
  const sync = deps.filter((d) => d.path === "sync");
  return [
    `# ${service}: reliability`, "",
    "Every number below is derived from the requirements' objectives and dependencies; the formula and its inputs are written next to it.", "",
    "## Assumptions", "", assumptionsTable(plan.assumptions), "",
    "## Latency budget", "",
    plan.outboundBudget ? `Objective p99 ${plan.objectiveMs} ms.\n\n${figureLine("outbound budget", plan.outboundBudget)}` : "No latency objective declared: timeouts are 1.5 × each dependency's p99 (see questions.md).", "",
    "## Dependencies", "",
    deps.length
      ? markdownTable(["dependency", "p99 ms", "availability %", "path", "share ms", "timeout ms", "retries (max backoff ms)", "worst case ms", "max first attempts/s"], deps.map((d) => [
          d.name, formatNumber(d.p99Ms), formatNumber(d.availability), d.path === "sync" ? "request" : "outbox worker", d.share ? formatNumber(d.share.value) : "—", d.timeout ? formatNumber(d.timeout.value) : "—",
          d.retries ? `${d.retries.count}${d.retries.count ? ` (${d.retries.backoffMs.join(", ")})` : ""}` : "—", d.retries ? formatNumber(d.retries.worstCase.value) : "—", d.maxFirstAttempts ? formatNumber(d.maxFirstAttempts.value) : "—",
        ]))
      : "No external dependencies declared.",
    "",
    ...deps.flatMap((d) => [
      `- ${d.name}: ${d.reason}.${d.tight ? ` **The timeout is below ${d.name}'s own p99: more than 1% of calls will time out.**` : ""}`,
      ...(d.share ? [`  ${figureLine("share", d.share).slice(2)}`] : []),
      ...(d.timeout ? [`  ${figureLine("timeout", d.timeout).slice(2)}`] : []),
      ...(d.retries ? [`  ${figureLine("worst case", d.retries.worstCase).slice(2)}`] : []),
      ...(d.maxFirstAttempts ? [`  ${figureLine("max first attempts", d.maxFirstAttempts).slice(2)}`] : []),
    ]),
    "",
    `Retries: exponential backoff with full jitter (a random wait up to the listed maximum), only for timeouts, network errors, 429 and 5xx, and only while the retry budget (${RETRY_BUDGET * 100}% of first attempts, a token bucket per dependency) has tokens: during an outage retries add at most ${RETRY_BUDGET * 100}% load.`, "",
    "## Circuit breakers", "",
    sync.length
      ? markdownTable(["dependency", "opens at", "over", "slow call", "open for", "half-open probes", "normal failures"], sync.map((d) => {
          const b = d.breaker!;
          return [d.name, `${b.failureRatePercent}% failures`, `≥ ${b.minimumCalls} calls in ${b.windowSeconds} s`, `> ${b.slowCallMs} ms (the timeout)`, `${b.openSeconds} s`, String(b.halfOpenProbes), `${formatNumber(b.normalFailurePercent.value)}% (${b.normalFailurePercent.arithmetic})`];
        }))
      : "No dependency on the request path.",
    "",
    "## Availability", "",
    figureLine(`composite with ${availability.instances} instances`, availability.composite),
    figureLine("ceiling (unlimited instances)", availability.ceiling),
    figureLine("if every dependency were on the request path", availability.allSynchronous), "",
    markdownTable(["instances", "availability %", ...(availability.target !== undefined ? [`≥ ${availability.target}%`] : [])], availability.byInstances.map((b) => [String(b.instances), formatNumber(b.percent), ...(availability.target !== undefined ? [b.percent >= availability.target ? "yes" : "no"] : [])])), "",
    availability.target === undefined
      ? `No availability objective declared; ${availability.instances} instances so a deploy or a crash is not an outage.`
      : availability.meetsTarget
        ? `${availability.instances} instances reach the objective ${availability.target}% (at least 2, so a deploy is not an outage).`
        : `**No instance count reaches ${availability.target}%: the ceiling is ${availability.ceiling.value}% (see questions.md).**`,
    "",
    "## Degradation modes", "",
    markdownTable(["failure", "behaviour"], degradation.map((m) => [m.failure, m.behaviour])), "",
  ].join("\n");
}
