// Turns the code facts every file recorded into model entries: data accesses, outbound calls,
// secret candidates, security and observability controls; and answers, for a request handler,
// what it reads from the request and which project functions it reaches.
import type { DataAccess, ObservabilityControl, OutboundCall, RequestInput, SecretCandidate, SecurityControl, SecuritySink } from "../../model/types.ts";
import { buildControls } from "../code/controls.ts";
import { buildDataAccesses } from "../code/data-access.ts";
import { buildOutboundCalls } from "../code/outbound.ts";
import { collectRequestInputs, type RequestParam } from "../code/request-reads.ts";
import { buildSecrets } from "../code/secrets.ts";
import { buildSinks } from "../code/sinks.ts";
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
}

/**
 * @param requestParams which functions are request handlers or middleware (by function id) and
 *   which of their parameters is the request: taint starts there.
 * @param serviceOf the service a file belongs to, for controls.
 */
export function buildCodeModel(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>, serviceOf: (file: string) => string): CodeModel {
  return {
    dataAccesses: buildDataAccesses(index, requestParams),
    outboundCalls: buildOutboundCalls(index, requestParams),
    secrets: buildSecrets(index),
    sinks: buildSinks(index, requestParams),
    ...buildControls(index, serviceOf),
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
