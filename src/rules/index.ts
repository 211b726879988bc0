// The registry of rules, sorted by id. Each rule lives in its own file under src/rules/<area>/.
import type { Rule } from "./types.ts";
import { rule as graphqlIntrospectionInProduction } from "./api/graphql-introspection-in-production.ts";
import { rule as graphqlNoDepthLimit } from "./api/graphql-no-depth-limit.ts";
import { rule as unvalidatedBody } from "./api/unvalidated-body.ts";
import { rule as writeWithoutAuth } from "./api/write-without-auth.ts";
import { rule as backfillInMigration } from "./database/backfill-in-migration.ts";
import { rule as columnTypeChangeRewrite } from "./database/column-type-change-rewrite.ts";
import { rule as constraintWithoutNotValid } from "./database/constraint-without-not-valid.ts";
import { rule as duplicateIndex } from "./database/duplicate-index.ts";
import { rule as fkWithoutIndex } from "./database/fk-without-index.ts";
import { rule as missingPrimaryKey } from "./database/missing-primary-key.ts";
import { rule as moneyAsFloat } from "./database/money-as-float.ts";
import { rule as multiWriteWithoutTransaction } from "./database/multi-write-without-transaction.ts";
import { rule as noLockTimeout } from "./database/no-lock-timeout.ts";
import { rule as noUpdatedAt } from "./database/no-updated-at.ts";
import { rule as nonConcurrentIndex } from "./database/non-concurrent-index.ts";
import { rule as nullableUnique } from "./database/nullable-unique.ts";
import { rule as queryWithoutIndex } from "./database/query-without-index.ts";
import { rule as redundantIndex } from "./database/redundant-index.ts";
import { rule as renameOrDropColumn } from "./database/rename-or-drop-column.ts";
import { rule as selectStarOnWideTable } from "./database/select-star-on-wide-table.ts";
import { rule as setNotNull } from "./database/set-not-null.ts";
import { rule as timestampWithoutTimeZone } from "./database/timestamp-without-time-zone.ts";
import { rule as varcharLimitWithoutReason } from "./database/varchar-limit-without-reason.ts";
import { rule as volatileDefault } from "./database/volatile-default.ts";
import { rule as graphqlResolverNPlusOne } from "./performance/graphql-resolver-n-plus-one.ts";
import { rule as nPlusOne } from "./performance/n-plus-one.ts";
import { rule as unboundedQuery } from "./performance/unbounded-query.ts";
import { rule as cacheCandidate } from "./performance/cache-candidate.ts";
import { rule as dbClientPerRequest } from "./performance/db-client-per-request.ts";
import { rule as jsonInLoop } from "./performance/json-in-loop.ts";
import { rule as redos } from "./performance/redos.ts";
import { rule as syncIoInRequestPath } from "./performance/sync-io-in-request-path.ts";
import { rule as unboundedBodySize } from "./performance/unbounded-body-size.ts";
import { rule as processExitInRequestPath } from "./reliability/process-exit-in-request-path.ts";
import { rule as noRequestLogging } from "./observability/no-request-logging.ts";
import { rule as outboundWithoutTimeout } from "./reliability/outbound-without-timeout.ts";
import { rule as noAuditTrail } from "./security/no-audit-trail.ts";
import { rule as hardcodedSecret } from "./security/hardcoded-secret.ts";
import { rule as sqlInjection } from "./security/sql-injection.ts";
import { rule as codeInjection } from "./security/code-injection.ts";
import { rule as commandInjection } from "./security/command-injection.ts";
import { rule as nosqlInjection } from "./security/nosql-injection.ts";
import { rule as openRedirect } from "./security/open-redirect.ts";
import { rule as pathTraversal } from "./security/path-traversal.ts";
import { rule as ssrf } from "./security/ssrf.ts";
import { rule as unsafeDeserialization } from "./security/unsafe-deserialization.ts";
import { rule as zipSlip } from "./security/zip-slip.ts";
import { rule as xssReflected } from "./security/xss-reflected.ts";
import { rule as weakPasswordHash } from "./security/weak-password-hash.ts";
import { rule as corsWildcardWithCredentials } from "./security/cors-wildcard-with-credentials.ts";
import { rule as jwtVerifyWithoutAlgorithms } from "./security/jwt-verify-without-algorithms.ts";
import { rule as directoryListing } from "./security/directory-listing.ts";
import { rule as unauthenticatedMetrics } from "./security/unauthenticated-metrics.ts";
import { rule as rateLimitTrustsForwardedFor } from "./security/rate-limit-trusts-forwarded-for.ts";
import { rule as noRateLimitOnAuth } from "./security/no-rate-limit-on-auth.ts";
import { rule as asyncHandlerWithoutCatch } from "./reliability/async-handler-without-catch.ts";
import { rule as noCircuitBreaker } from "./reliability/no-circuit-breaker.ts";
import { rule as noGracefulShutdown } from "./reliability/no-graceful-shutdown.ts";
import { rule as noHealthEndpoint } from "./reliability/no-health-endpoint.ts";
import { rule as retryWithoutBackoff } from "./reliability/retry-without-backoff.ts";
import { rule as unboundedCache } from "./reliability/unbounded-cache.ts";
import { rule as consoleOnlyLogging } from "./observability/console-only-logging.ts";
import { rule as noCorrelationId } from "./observability/no-correlation-id.ts";
import { rule as noMetrics } from "./observability/no-metrics.ts";
import { rule as noTracing } from "./observability/no-tracing.ts";
import { rule as swallowedError } from "./observability/swallowed-error.ts";
import { rule as missingSecurityHeaders } from "./security/missing-security-headers.ts";
import { rule as insecureCookie } from "./security/insecure-cookie.ts";
import { rule as errorDetailsInResponse } from "./security/error-details-in-response.ts";
import { rule as corsPermissive } from "./security/cors-permissive.ts";
import { rule as jwtDecodeUsedForAuth } from "./security/jwt-decode-used-for-auth.ts";
import { rule as jwtWithoutExpiry } from "./security/jwt-without-expiry.ts";
import { rule as missingAuthorization } from "./security/missing-authorization.ts";
import { rule as massAssignment } from "./security/mass-assignment.ts";
import { compareText } from "../model/order.ts";

export const ALL_RULES: readonly Rule[] = [
  missingSecurityHeaders,
  insecureCookie,
  errorDetailsInResponse,
  corsPermissive,
  jwtDecodeUsedForAuth,
  jwtWithoutExpiry,
  missingAuthorization,
  massAssignment,
  graphqlIntrospectionInProduction,
  graphqlNoDepthLimit,
  backfillInMigration,
  columnTypeChangeRewrite,
  constraintWithoutNotValid,
  duplicateIndex,
  fkWithoutIndex,
  missingPrimaryKey,
  moneyAsFloat,
  multiWriteWithoutTransaction,
  noLockTimeout,
  noUpdatedAt,
  nonConcurrentIndex,
  nullableUnique,
  queryWithoutIndex,
  redundantIndex,
  renameOrDropColumn,
  selectStarOnWideTable,
  setNotNull,
  timestampWithoutTimeZone,
  varcharLimitWithoutReason,
  volatileDefault,
  graphqlResolverNPlusOne,
  nPlusOne,
  unboundedQuery,
  cacheCandidate,
  dbClientPerRequest,
  jsonInLoop,
  redos,
  syncIoInRequestPath,
  unboundedBodySize,
  processExitInRequestPath,
  unvalidatedBody,
  writeWithoutAuth,
  noRequestLogging,
  outboundWithoutTimeout,
  hardcodedSecret,
  noAuditTrail,
  sqlInjection,
  codeInjection,
  commandInjection,
  nosqlInjection,
  openRedirect,
  pathTraversal,
  ssrf,
  unsafeDeserialization,
  zipSlip,
  xssReflected,
  weakPasswordHash,
  corsWildcardWithCredentials,
  jwtVerifyWithoutAlgorithms,
  directoryListing,
  unauthenticatedMetrics,
  rateLimitTrustsForwardedFor,
  noRateLimitOnAuth,
  asyncHandlerWithoutCatch,
  noCircuitBreaker,
  noGracefulShutdown,
  noHealthEndpoint,
  retryWithoutBackoff,
  unboundedCache,
  consoleOnlyLogging,
  noCorrelationId,
  noMetrics,
  noTracing,
  swallowedError,
].sort((a, b) => compareText(a.meta.id, b.meta.id));
