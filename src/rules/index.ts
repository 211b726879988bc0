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
import { rule as noRequestLogging } from "./observability/no-request-logging.ts";
import { rule as outboundWithoutTimeout } from "./reliability/outbound-without-timeout.ts";
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
import { rule as weakPasswordHash } from "./security/weak-password-hash.ts";
import { rule as corsWildcardWithCredentials } from "./security/cors-wildcard-with-credentials.ts";
import { rule as jwtVerifyWithoutAlgorithms } from "./security/jwt-verify-without-algorithms.ts";
import { compareText } from "../model/order.ts";

export const ALL_RULES: readonly Rule[] = [
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
  unvalidatedBody,
  writeWithoutAuth,
  noRequestLogging,
  outboundWithoutTimeout,
  hardcodedSecret,
  sqlInjection,
  codeInjection,
  commandInjection,
  nosqlInjection,
  openRedirect,
  pathTraversal,
  ssrf,
  unsafeDeserialization,
  zipSlip,
  weakPasswordHash,
  corsWildcardWithCredentials,
  jwtVerifyWithoutAlgorithms,
].sort((a, b) => compareText(a.meta.id, b.meta.id));
