// The extractors that record code facts for the model (data access, outbound calls, secrets,
// security and observability controls, request reads). They run in the same single walk as
// every other extractor; src/ingest/link/code-model.ts turns their facts into model entries.
import type { Extractor } from "../js/analyzer.ts";
import { controlCandidates } from "./controls.ts";
import { dataAccessCandidates } from "./data-access.ts";
import { exposureFacts } from "./exposure.ts";
import { outboundCandidates } from "./outbound.ts";
import { requestReads } from "./request-reads.ts";
import { resilienceFacts } from "./resilience.ts";
import { runtimeCallCandidates } from "./runtime-calls.ts";
import { secretCandidates } from "./secrets.ts";
import { errorResponses } from "./error-responses.ts";
import { sinkContext } from "./sink-context.ts";
import { sinkCandidates } from "./sinks.ts";
import { ownerComparisons } from "./record-access.ts";

export const CODE_EXTRACTORS: Extractor[] = [requestReads, dataAccessCandidates, outboundCandidates, secretCandidates, controlCandidates, sinkCandidates, sinkContext, errorResponses, exposureFacts, runtimeCallCandidates, resilienceFacts, ownerComparisons];
