// The registry of rules, sorted by id. Each rule lives in its own file under src/rules/<area>/.
import type { Rule } from "./types.ts";
import { rule as unvalidatedBody } from "./api/unvalidated-body.ts";
import { rule as writeWithoutAuth } from "./api/write-without-auth.ts";
import { rule as noRequestLogging } from "./observability/no-request-logging.ts";
import { rule as outboundWithoutTimeout } from "./reliability/outbound-without-timeout.ts";
import { rule as hardcodedSecret } from "./security/hardcoded-secret.ts";
import { rule as sqlInjection } from "./security/sql-injection.ts";

export const ALL_RULES: readonly Rule[] = [
  unvalidatedBody,
  writeWithoutAuth,
  noRequestLogging,
  outboundWithoutTimeout,
  hardcodedSecret,
  sqlInjection,
].sort((a, b) => a.meta.id.localeCompare(b.meta.id));
