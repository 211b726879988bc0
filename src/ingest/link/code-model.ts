// Turns the code facts every file recorded into model entries: data accesses, outbound calls,
// secret candidates, security and observability controls; and answers, for a request handler,
// what it reads from the request and which project functions it reaches.
import type { DataAccess, ObservabilityControl, OutboundCall, RequestInput, RuntimeCall, SecretCandidate, SecurityControl, SecuritySink } from "../../model/types.ts";
import { buildControls } from "../code/controls.ts";
import { buildDataAccesses } from "../code/data-access.ts";
import { buildExposure, type Exposure } from "../code/exposure.ts";
import { buildOutboundCalls } from "../code/outbound.ts";
import { collectRequestInputs, type RequestParam } from "../code/request-reads.ts";
import { buildResilience, type ResilienceModel } from "../code/resilience-model.ts";
import { buildRuntimeCalls } from "../code/runtime-calls.ts";
import { buildSecrets } from "../code/secrets.ts";
import { buildSinks } from "../code/sinks.ts";
import { buildAccessControl, type AccessControlFacts } from "../code/record-access.ts";
import type { ProjectIndex } from "./project-index.ts";

export type { RequestParam };
export { reachableFunctions } from "./taint.ts";

export interface CodeModel {
  dataAccesses: DataAccess[];
  outboundCalls: OutboundCall[];
  secrets: SecretCandidate[];
  securityControls: SecurityControl[];
  observabilityControls: ObservabilityControl[];
  sinks: SecuritySink[];
  runtimeCalls: RuntimeCall[];
  /** Served folders and metrics, rate limiters, trust-proxy settings, credential operations. */
  exposure: Exposure;
  /** Catch blocks, async request functions, signal handlers, module collections, retries, console and request-id signs. */
  resilience: ResilienceModel;
  /** Records picked by id, whole-body writes and role guards (access control). */
  accessControl: AccessControlFacts;
}

/**
 * @param requestParams which functions are request handlers or middleware (by function id) and
 *   which of their parameters is the request: taint starts there.
 * @param serviceOf the service a file belongs to, for controls.
 */
export function buildCodeModel(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>, serviceOf: (file: string) => string): CodeModel {
  const controls = buildControls(index, serviceOf);
  const outboundCalls = buildOutboundCalls(index, requestParams);
  const dataAccesses = buildDataAccesses(index, requestParams);
  return {
    dataAccesses,
    outboundCalls,
    secrets: buildSecrets(index),
    sinks: buildSinks(index, requestParams),
    runtimeCalls: buildRuntimeCalls(index, requestParams),
    ...controls,
    exposure: buildExposure(index, requestParams, serviceOf, controls.securityControls),
    resilience: buildResilience(index, requestParams, serviceOf, outboundCalls),
    accessControl: buildAccessControl(index, requestParams, dataAccesses),
  };
}

/**
 * What a handler reads from the request (`body.email`, `query.q`, `params.id`, `headers.x-api-key`),
 * including through destructuring and through helpers it passes `req` or `req.body` to; one entry
 * per kind and path, sorted.
 */
export function requestInputsOf(index: ProjectIndex, fnId: string, param: RequestParam): RequestInput[] {
  return collectRequestInputs(index, fnId, param);
}
