// The extractors that record code facts for the model (data access, outbound calls, secrets,
// security and observability controls, request reads). They run in the same single walk as
// every other extractor; src/ingest/link/code-model.ts turns their facts into model entries.
import type { Extractor } from "../js/analyzer.ts";
import { controlCandidates } from "./controls.ts";
import { dataAccessCandidates } from "./data-access.ts";
import { outboundCandidates } from "./outbound.ts";
import { requestReads } from "./request-reads.ts";
import { secretCandidates } from "./secrets.ts";
import { sinkCandidates } from "./sinks.ts";

export const CODE_EXTRACTORS: Extractor[] = [requestReads, dataAccessCandidates, outboundCandidates, secretCandidates, controlCandidates, sinkCandidates];
