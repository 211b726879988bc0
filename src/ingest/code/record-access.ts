// Access-control facts, built at link time from the call facts every file already records:
// - record accesses: a query that picks a record by an id-like value (`Card.destroy({ where: { id } })`,
//   `prisma.order.update({ where: { id } })`, `db.reviews.update({ _id: req.body.id }, …)`), with the
//   request inputs that choose it, the filter columns that scope it to an owner or tenant, whether
//   the caller's identity is read on the way, and any check of the record against the caller;
// - body writes: the whole request body (or a spread of it) handed to a create or update;
// - role guards: request functions that check the caller's role before rejecting.
// The rules missing-authorization and mass-assignment judge them against the endpoints. The one
// extractor here records equality tests in conditions that name an owner or the caller
// (`if (order.userId !== req.user.id)`), which the sink-context guards do not keep.
import type { BodyWrite, DataAccess, RecordAccess, SourceLocation } from "../../model/types.ts";
import type { CallFact } from "../js/facts.ts";
import type { Extractor, Node, WalkContext } from "../js/analyzer.ts";
import { unwrap } from "../js/analyzer.ts";
import { own, prune, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { originOf, reachableFunctions } from "../link/taint.ts";
import { chainOf, OPERATIONS, type Segment } from "./orm-access.ts";
import { inputOf, projectFunctions, requestParamKey, type RequestParam } from "./request-reads.ts";
import { GUARDS, type GuardFact } from "./sink-context.ts";
import { mongoStyleQuery, SINK_CANDIDATES, type SinkCandidateFact } from "./sinks.ts";
import { addToList, byLocation, extPath, extRoot, literalString, locKey, memberChain, objectArg, paramChain, resolveShallow } from "./values.ts";

export const OWNER_COMPARISONS = "code.ownerComparisons";

/** `if (order.userId !== req.user.id)`: an equality test in a condition whose text names an owner or the caller. */
export interface OwnerComparisonFact {
  loc: SourceLocation;
  fn?: string;
  left: Sym;
  right: Sym;
}

const EQUALITY = new Set(["===", "!==", "==", "!="]);
/** Symbol nodes kept per side of a comparison. */
const SIDE_BUDGET = 24;

export const ownerComparisons: Extractor = {
  name: "owner-comparisons",
  visit: {
    IfStatement(node, ctx) {
      recordComparisons(node.test, ctx, 0);
    },
    ConditionalExpression(node, ctx) {
      recordComparisons(node.test, ctx, 0);
    },
  },
};

function recordComparisons(test: Node, ctx: WalkContext, depth: number): void {
  const node = unwrap(test);
  if (!node || depth > 6) return;
  if (node.type === "LogicalExpression") {
    recordComparisons(node.left, ctx, depth + 1);
    recordComparisons(node.right, ctx, depth + 1);
  } else if (node.type === "UnaryExpression" && node.operator === "!") {
    recordComparisons(node.argument, ctx, depth + 1);
  } else if (node.type === "BinaryExpression" && EQUALITY.has(node.operator) && OWNER_TEXT.test(ctx.text(node, 120))) {
    const fn = ctx.currentFunction();
    const fact: OwnerComparisonFact = { loc: ctx.loc(node), ...(fn ? { fn: fn.id } : {}), left: prune(ctx.symOf(node.left), SIDE_BUDGET), right: prune(ctx.symOf(node.right), SIDE_BUDGET) };
    ctx.emit(OWNER_COMPARISONS, fact);
  }
}

export type AccessControlFacts = {
  recordAccesses: RecordAccess[];
  bodyWrites: BodyWrite[];
  roleGuards: string[];
};

/** Clients whose query chains bka reads (orm-access.ts); Drizzle conditions are calls, not objects, and are left out. */
const ORM_CLIENTS = new Set(["sequelize", "prisma", "typeorm", "mongoose", "knex"]);
/** Finders whose first argument is the id itself. */
const BY_ID = new Set(["findByPk", "findById", "findByIdAndUpdate", "findByIdAndDelete", "findByIdAndRemove", "findOneById"]);
/** Methods whose first argument is a filter document (Mongo style, TypeORM `findOneBy`, `delete(criteria)`). */
const FILTER_FIRST = new Set([
  "find", "findOne", "findOneBy", "findBy", "findOneByOrFail", "count", "countDocuments", "exists", "update", "updateOne", "updateMany",
  "delete", "deleteOne", "deleteMany", "remove", "softDelete", "findOneAndUpdate", "findOneAndDelete", "findOneAndRemove", "findOneAndReplace", "replaceOne",
]);
/** Knex and query-builder condition links: `.where({ id })`, `.where("id", id)`. */
const WHERE_LINKS = new Set(["where", "andWhere"]);
const LOGICAL_KEYS = new Set(["AND", "$and", "and"]);
/** Sequelize finder options (no `where`): not a Mongo-style filter. */
const FINDER_OPTIONS = ["attributes", "include", "order", "limit", "offset", "raw", "transaction", "paranoid"];
/** Methods that write a row loaded earlier: `item.update(…)`, `basket.destroy()`. */
const INSTANCE_WRITES: Record<string, RecordAccess["operation"]> = {
  update: "update", save: "update", increment: "update", decrement: "update", updateOne: "update", set: "update",
  destroy: "delete", remove: "delete", delete: "delete", deleteOne: "delete", softDelete: "delete",
};
/** Where the data to write is, for write methods that take a filter first. */
const FILTER_THEN_DATA = new Set(["update", "updateOne", "updateMany", "findOneAndUpdate", "findByIdAndUpdate", "replaceOne", "merge"]);
/** Columns that name a record's owner or tenant. */
export const OWNER_COLUMN = /^(user|owner|author|creator|tenant|account|organi[sz]ation|org|workspace|team|customer|created_?by)(_?id|Id|ID)?$/i;
const ID_COLUMN = /^(_?id|uuid|slug)$|[a-z0-9](Id|ID|_id|_uuid|Uuid)$/;
/** Request properties an auth middleware sets to the caller (`req.user`, `req.auth`, Koa `ctx.state.user`). */
const IDENTITY_PROPS = new Set(["user", "auth", "session", "currentUser", "jwtPayload", "principal", "claims", "userId", "account", "kauth", "identity"]);
/** Package functions that return the caller's claims. */
const IDENTITY_APIS: Record<string, ReadonlySet<string>> = {
  jsonwebtoken: new Set(["verify", "decode"]),
  jose: new Set(["jwtVerify", "decodeJwt"]),
  "jwt-decode": new Set(["", "jwtDecode"]),
  "next-auth": new Set(["getServerSession"]),
  "next-auth/next": new Set(["getServerSession"]),
};
/** A helper or policy call that decides access: `assertOwner(row, user)`, `ability.can("update", row)`. */
const POLICY_NAME = /owner|authori[sz]e|permission|policy|access|^can$|^cannot$|throwUnlessCan|canEdit|canModify/i;
/** A comparison whose text names an owner field or the caller (`row.userId !== req.user.id`): worth recording. */
const OWNER_TEXT = /\b(user_?id|owner_?id|author(_?id)?|creator_?id|created_?by|tenant_?id|account_?id|owner)\b|\breq\.(user|auth|session)\b|\blocals\.user\b|\bcurrentUser\b|\buser\??\.(id|_id|sub|email)\b/i;
const CREDENTIAL_INPUT = /^(headers\.(authorization|x-access-token|x-auth-token)|cookies\.\w*(token|jwt|session|auth)\w*)$/i;
const ID_CONVERSIONS = new Set(["Number", "parseInt", "String", "BigInt", "ObjectId", "ObjectID", "toObjectId"]);
const MAX_HOPS = 3;

export function buildAccessControl(index: ProjectIndex, requestParams: ReadonlyMap<string, RequestParam>, dataAccesses: readonly DataAccess[]): AccessControlFacts {
  const ctx = new AccessContext(index, requestParams);
  const records = new Map<string, RecordAccess>();
  const writes = new Map<string, BodyWrite>();
  for (const access of dataAccesses) {
    if (!ORM_CLIENTS.has(access.client)) continue;
    const call = ctx.outermostCallAt(access.location);
    const chain = call && chainOf(call);
    if (!call || !chain) continue;
    const record = ctx.recordFromChain(call, chain.segments, access);
    if (record && !records.has(record.id)) records.set(record.id, record);
    const write = access.operation === "insert" || access.operation === "update" || access.operation === "upsert" ? ctx.bodyWriteOf(call, chain.segments, access) : undefined;
    if (write && !writes.has(write.id)) writes.set(write.id, write);
    if (access.operation === "select") for (const w of ctx.instanceBodyWrites(call, access)) if (!writes.has(w.id)) writes.set(w.id, w);
  }
  for (const facts of index.files.values()) {
    for (const fact of (facts.extra[SINK_CANDIDATES] ?? []) as SinkCandidateFact[]) {
      if (records.has(locKey(fact.loc))) continue;
      const record = ctx.recordFromCollection(fact);
      if (record) records.set(record.id, record);
    }
  }
  return {
    recordAccesses: [...records.values()].sort((a, b) => byLocation(a.location, b.location)),
    bodyWrites: [...writes.values()].sort((a, b) => byLocation(a.location, b.location)),
    roleGuards: ctx.roleGuards(),
  };
}

type Pair = { column: string; value: Sym };

class AccessContext {
  /** Calls by `line:column`, per file: indexed when a query in that file is first read. */
  private readonly callsByFile = new Map<string, Map<string, CallFact[]>>();
  private handlersByFn?: Map<string, string[]>;

  constructor(
    private readonly index: ProjectIndex,
    private readonly requestParams: ReadonlyMap<string, RequestParam>,
  ) {}

  // ---- record accesses ------------------------------------------------------------------------

  recordFromChain(call: CallFact, segments: Segment[], access: DataAccess): RecordAccess | undefined {
    if (access.operation !== "select" && access.operation !== "update" && access.operation !== "delete" && access.operation !== "upsert") return undefined;
    const pairs = segments.flatMap((s) => this.filterPairs(s, access.client));
    const writeSegment = [...segments].reverse().find((s) => s.args && own(OPERATIONS, s.name) === access.operation);
    const writtenAt = access.operation === "select" ? this.instanceWrite(call, access.location) : undefined;
    const written = writtenAt ? [writtenAt.call.args] : access.operation !== "select" && writeSegment?.args ? [writeSegment.args] : [];
    const method = [...segments].reverse().find((s) => s.args && own(OPERATIONS, s.name) !== undefined)?.name ?? "query";
    return this.record(call, pairs, {
      api: entityApi(access.entity, method),
      operation: writtenAt?.operation ?? access.operation,
      dataAccessId: access.id,
      ...(access.entity ? { entity: access.entity } : {}),
      ...(writtenAt ? { writtenAt: writtenAt.call.loc } : {}),
    }, written.flat());
  }

  /** `db.reviewsCollection.update({ _id: req.body.id }, { $set: … })` on a client bka reads by method names. */
  recordFromCollection(fact: SinkCandidateFact): RecordAccess | undefined {
    const query = mongoStyleQuery(this.index, fact);
    const operation = query && own(OPERATIONS, query.method);
    if (!query || !operation || operation === "insert" || operation === "raw" || operation === "unknown") return undefined;
    const filter = objectArg(this.index, query.filter);
    if (!filter || own(filter.props, "where")) return undefined;
    const call: CallFact = { callee: fact.callee, args: fact.args, loc: fact.loc, ...(fact.fn ? { fn: fact.fn } : {}), inLoop: false, inTry: false, order: 0 };
    const collection = fact.callee.k === "member" ? lastName(fact.callee.obj) : undefined;
    const writtenAt = operation === "select" ? this.instanceWrite(call, call.loc) : undefined;
    return this.record(call, this.objectPairs(filter), {
      api: `${collection ? collection + "." : ""}${query.method}`,
      operation: writtenAt?.operation ?? operation,
      ...(collection ? { entity: collection } : {}),
      ...(writtenAt ? { writtenAt: writtenAt.call.loc } : {}),
    }, writtenAt ? writtenAt.call.args : query.document ? [query.document] : []);
  }

  private record(call: CallFact, pairs: Pair[], base: Pick<RecordAccess, "api" | "operation" | "dataAccessId" | "entity" | "writtenAt">, written: Sym[]): RecordAccess | undefined {
    const selectors: RecordAccess["selectors"] = [];
    const ownerColumns: RecordAccess["ownerColumns"] = [];
    for (const { column, value } of pairs) {
      const callerIdentity = this.isCallerIdentity(value);
      if (callerIdentity || OWNER_COLUMN.test(column)) ownerColumns.push({ column, callerIdentity });
      else if (ID_COLUMN.test(column)) {
        const origin = originOf(this.index, this.withoutConversion(value), this.requestParams, { sink: call.loc });
        selectors.push({ column, flows: origin.flows, origin: origin.kind });
      }
    }
    if (!selectors.length) return undefined;
    const handlerIds = this.handlersOf(call.fn);
    const until = base.writtenAt ?? call.loc;
    const identity = this.callerIdentityAt([call.fn, ...handlerIds]);
    const check = this.ownershipCheckAt([call.fn, ...handlerIds], until);
    const writesIdentity = written.some((w) => this.containsCallerIdentity(w, 0));
    return {
      id: locKey(call.loc),
      location: call.loc,
      ...(call.fn ? { functionId: call.fn } : {}),
      handlerIds,
      ...base,
      selectors,
      ownerColumns,
      ...(identity ? { callerIdentityAt: identity } : {}),
      ...(check ? { ownershipCheckAt: check } : {}),
      ...(writesIdentity ? { writesCallerIdentityAt: base.writtenAt ?? call.loc } : {}),
    };
  }

  /**
   * `Number(req.params.id)`, `new ObjectId(req.body.id)`: a conversion keeps the value the client
   * chose (it stops injection, not the choice of record), so the selector is what it converts.
   */
  private withoutConversion(sym: Sym): Sym {
    if ((sym.k !== "call" && sym.k !== "new") || !sym.args[0]) return sym;
    const callee = this.index.resolve(sym.callee);
    const root = callee.k === "ext" ? extPath(callee) : undefined;
    const name = root?.path[root.path.length - 1] ?? calleeName(callee);
    return ID_CONVERSIONS.has(name) && (root?.pkg !== "global" || root.path.length === 1) ? this.withoutConversion(sym.args[0]) : sym;
  }

  /** The (column, value) pairs a query link filters on. */
  private filterPairs(segment: Segment, client: string): Pair[] {
    const args = segment.args;
    if (!args?.length) return [];
    if (BY_ID.has(segment.name)) return [{ column: "id", value: args[0] }];
    if (WHERE_LINKS.has(segment.name)) {
      const column = literalString(this.index, args[0]);
      if (column === undefined) return this.objectPairs(args[0]);
      return args.length >= 2 ? [{ column: column.split(".").pop()!, value: args[args.length - 1] }] : [];
    }
    const where = args.slice(0, 2).map((a) => objectArg(this.index, a)).map((o) => o && own(o.props, "where")).find((w) => w !== undefined);
    if (where) return this.objectPairs(where);
    // A Knex chain filters only in its where links; `.update({ … })` holds values.
    if (client === "knex" || !FILTER_FIRST.has(segment.name)) return [];
    const first = objectArg(this.index, args[0]);
    if (first && !FINDER_OPTIONS.some((k) => own(first.props, k) !== undefined)) return this.objectPairs(first);
    // TypeORM `repository.delete(id)`, `update(id, values)`.
    const scalar = resolveShallow(this.index, args[0]);
    return client === "typeorm" && scalar.k !== "obj" && scalar.k !== "arr" && scalar.k !== "fn" ? [{ column: "id", value: args[0] }] : [];
  }

  private objectPairs(sym: Sym, depth = 0): Pair[] {
    const obj = objectArg(this.index, sym);
    if (!obj || depth > 3) return [];
    return Object.keys(obj.props).sort().flatMap((key) => {
      const value = obj.props[key];
      if (LOGICAL_KEYS.has(key)) {
        const items = resolveShallow(this.index, value);
        return items.k === "arr" ? items.items.flatMap((i) => this.objectPairs(i, depth + 1)) : this.objectPairs(value, depth + 1);
      }
      return key.startsWith("$") ? [] : [{ column: key, value }];
    });
  }

  /** A later call in the same function that writes the row this load returned. */
  private instanceWrite(load: CallFact, at: SourceLocation): { call: CallFact; operation: RecordAccess["operation"] } | undefined {
    if (!load.fn) return undefined;
    for (const call of this.index.callsIn.get(load.fn) ?? []) {
      if (call.callee.k !== "member" || byLocation(call.loc, at) <= 0) continue;
      const operation = own(INSTANCE_WRITES, call.callee.prop);
      const row = call.callee.obj;
      if (operation && row.k === "call" && locKey(row.loc) === locKey(at)) return { call, operation };
    }
    return undefined;
  }

  // ---- the caller's identity ------------------------------------------------------------------

  /** `req.user.id`, `res.locals.user`, `ctx.state.user`, a helper that reads the token (`authenticatedUsers.from(req)`), `jwt.verify(…)`. */
  isCallerIdentity(sym: Sym, depth = 0): boolean {
    if (depth > 6) return false;
    if (sym.k === "alt") return sym.options.some((o) => this.isCallerIdentity(o, depth + 1));
    const chain = paramChain(sym);
    if (chain) return this.identityParam(chain.fn, chain.index, chain.path, depth);
    let root: Sym = sym;
    while (root.k === "member") root = root.obj;
    if (root.k === "call") return this.identityCall(root, depth);
    // `const { userId } = verify(token) && decode(token)`: one of the options is the claims.
    if (root.k === "alt") return root.options.some((o) => this.isCallerIdentity(o, depth + 1));
    if (root.k === "mod" || sym.k === "member") {
      const resolved = resolveShallow(this.index, sym);
      return resolved !== sym && (resolved.k === "param" || resolved.k === "member" || resolved.k === "call") ? this.isCallerIdentity(resolved, depth + 1) : false;
    }
    return false;
  }

  private identityParam(fn: string, position: number, path: string[], depth: number): boolean {
    if (this.requestParams.has(requestParamKey(fn, position))) {
      const [head, next] = path;
      return IDENTITY_PROPS.has(head) || (head === "state" && IDENTITY_PROPS.has(next));
    }
    // Express's `res.locals.user`: the parameter after the request.
    if (position > 0 && this.requestParams.has(requestParamKey(fn, position - 1)) && path[0] === "locals") return IDENTITY_PROPS.has(path[1]);
    if (depth >= MAX_HOPS) return false;
    return (this.index.callsTo.get(fn) ?? []).some((site) => {
      const arg = site.args[position];
      return arg !== undefined && this.isCallerIdentity(memberChain(arg, path), depth + 1);
    });
  }

  /** A package call that returns claims, or a project helper that reads or verifies a credential itself or is handed one (`sessions.get(token)`). */
  private identityCall(call: Extract<Sym, { k: "call" }>, depth: number): boolean {
    const callee = this.index.resolve(call.callee);
    if (callee.k === "ext") {
      const { pkg, path } = extPath(callee);
      return own(IDENTITY_APIS, pkg)?.has(path.join(".")) ?? false;
    }
    const functions = projectFunctions(this.index, call.callee);
    if (!functions.length) return false;
    const readsCredential = functions.some((fn) => {
      const signals = this.index.signalsOf(fn);
      return signals.readsCredential !== undefined || signals.verifies !== undefined;
    });
    return readsCredential || call.args.some((a) => this.isCredential(a) || this.isCallerIdentity(a, depth + 1));
  }

  /** The token the client authenticates with: the Authorization header or a token cookie. */
  private isCredential(sym: Sym): boolean {
    const flows = originOf(this.index, sym, this.requestParams).flows;
    return flows.length > 0 && flows.every((f) => CREDENTIAL_INPUT.test(f.source.path));
  }

  private containsCallerIdentity(sym: Sym, depth: number): boolean {
    if (depth > 3) return false;
    const value = sym.k === "obj" || sym.k === "arr" ? sym : resolveShallow(this.index, sym);
    if (value.k === "obj") return Object.values(value.props).some((v) => this.containsCallerIdentity(v, depth + 1));
    if (value.k === "arr") return value.items.some((v) => this.containsCallerIdentity(v, depth + 1));
    return this.isCallerIdentity(sym);
  }

  /** The earliest read of the caller's credential in these functions (their helpers included). */
  private callerIdentityAt(fns: (string | undefined)[]): SourceLocation | undefined {
    const reads = fns.flatMap((fn) => {
      const read = fn ? this.index.signalsOf(fn).readsCredential : undefined;
      return read ? [read] : [];
    });
    return reads.sort(byLocation)[0];
  }

  /**
   * A check of the record against the caller in these functions before `until`: an `if` that
   * compares an owner field or the caller's id, a test that passes the caller's identity to a call
   * (`likedBy.includes(user.email)`), or a policy call (`assertOwner`, `ability.can`).
   */
  private ownershipCheckAt(fns: (string | undefined)[], until: SourceLocation): SourceLocation | undefined {
    for (const fn of new Set(fns)) {
      const start = fn ? this.index.functions.get(fn)?.loc : undefined;
      if (!fn || !start) continue;
      const end = this.bodyEnd(fn, start, until);
      const extra = this.index.files.get(start.file)?.extra ?? {};
      const before = (loc: SourceLocation) => byLocation(loc, start) >= 0 && byLocation(loc, end) <= 0;
      const comparison = ((extra[OWNER_COMPARISONS] ?? []) as OwnerComparisonFact[]).find((c) => c.fn === fn && before(c.loc) && this.comparesOwner(c));
      if (comparison) return comparison.loc;
      const guard = ((extra[GUARDS] ?? []) as GuardFact[]).find((g) => before(g.loc) && this.isOwnershipTest(g.test, 0));
      if (guard) return guard.loc;
      const policy = (this.index.callsIn.get(fn) ?? []).find((c) => POLICY_NAME.test(calleeName(c.callee)));
      if (policy) return policy.loc;
    }
    return undefined;
  }

  /** Where a function's body ends, as far as its calls show; the query itself when it is in this function. */
  private bodyEnd(fn: string, start: SourceLocation, until: SourceLocation): SourceLocation {
    const calls = (this.index.callsIn.get(fn) ?? []).map((c) => c.loc).filter((l) => l.file === start.file);
    const inside = calls.some((l) => locKey(l) === locKey(until));
    return inside ? until : (calls.sort(byLocation).pop() ?? start);
  }

  /** One side is the caller's identity, or names an owner field of a record (`order.userId`). */
  private comparesOwner(c: OwnerComparisonFact): boolean {
    const ownerField = (s: Sym) => s.k === "member" && OWNER_COLUMN.test(s.prop) && !this.isCallerIdentity(s);
    const left = this.isCallerIdentity(c.left);
    const right = this.isCallerIdentity(c.right);
    return left !== right || ownerField(c.left) || ownerField(c.right);
  }

  /** A call in a condition that decides on the caller: `likedBy.includes(user.email)`, `isOwner(row, user)`. */
  private isOwnershipTest(test: Sym, depth: number): boolean {
    if (depth > 4) return false;
    switch (test.k) {
      case "alt":
        return test.options.some((o) => this.isOwnershipTest(o, depth + 1));
      case "call": {
        if (POLICY_NAME.test(calleeName(test.callee))) return true;
        const subject = test.callee.k === "member" ? [test.callee.obj] : [];
        return [...subject, ...test.args].some((a) => this.isCallerIdentity(a));
      }
      default:
        return false;
    }
  }

  // ---- body writes ----------------------------------------------------------------------------

  bodyWriteOf(call: CallFact, segments: Segment[], access: DataAccess): BodyWrite | undefined {
    const segment = [...segments].reverse().find((s) => s.args && own(OPERATIONS, s.name) !== undefined);
    if (!segment?.args) return undefined;
    const operation = access.operation as BodyWrite["operation"];
    return this.bodyWrite(call, this.dataArg(segment), segment.args, {
      api: entityApi(access.entity, segment.name),
      operation,
      dataAccessId: access.id,
      ...(access.entity ? { entity: access.entity } : {}),
    });
  }

  /** `const row = await User.findByPk(id); await row.update(req.body)`: the loaded row's entity is written. */
  instanceBodyWrites(load: CallFact, access: DataAccess): BodyWrite[] {
    const write = this.instanceWrite(load, access.location);
    if (!write || write.operation !== "update" || write.call.callee.k !== "member") return [];
    const found = this.bodyWrite(write.call, write.call.args[0], write.call.args, {
      api: `${access.entity ?? "row"}.${write.call.callee.prop}`,
      operation: "update",
      ...(access.entity ? { entity: access.entity } : {}),
    });
    return found ? [found] : [];
  }

  private bodyWrite(call: CallFact, data: Sym | undefined, args: Sym[], base: Pick<BodyWrite, "api" | "operation" | "dataAccessId" | "entity">): BodyWrite | undefined {
    const whole = data && this.wholeBody(data, 0);
    if (!whole) return undefined;
    const flow = originOf(this.index, whole.value, this.requestParams, { sink: call.loc }).flows.find((f) => f.source.kind === "body");
    if (!flow) return undefined;
    const fields = args.map((a) => objectArg(this.index, a)).map((o) => o && own(o.props, "fields")).find((f) => f !== undefined);
    const list = fields && resolveShallow(this.index, fields);
    const allowedFields = list?.k === "arr" ? list.items.map((i) => literalString(this.index, i)).filter((s): s is string => s !== undefined) : undefined;
    return {
      id: locKey(call.loc),
      location: call.loc,
      ...(call.fn ? { functionId: call.fn } : {}),
      handlerIds: this.handlersOf(call.fn),
      ...base,
      flow,
      pinnedKeys: whole.pinned,
      ...(allowedFields ? { allowedFields } : {}),
    };
  }

  /** Prisma `{ data }`, a Mongo `$set`, the second argument of `update(filter, values)`, else the first. */
  private dataArg(segment: Segment): Sym | undefined {
    const [first, second] = segment.args ?? [];
    const options = objectArg(this.index, first);
    const data = options && (own(options.props, "data") ?? own(options.props, "create"));
    if (data) return data;
    if (second && FILTER_THEN_DATA.has(segment.name)) {
      const sequelizeOptions = objectArg(this.index, second);
      if (sequelizeOptions && own(sequelizeOptions.props, "where")) return first;
      const update = objectArg(this.index, second);
      return (update && own(update.props, "$set")) ?? second;
    }
    return first;
  }

  /**
   * The request body itself, a spread of it, or `Object.assign({}, req.body)`, also through a
   * helper's parameter (`create(req.body)` → `User.create(data)`): the value to trace and the keys
   * written after the spread.
   */
  private wholeBody(sym: Sym, hops: number): { value: Sym; pinned: string[] } | undefined {
    if (hops > MAX_HOPS) return undefined;
    const value = sym.k === "member" || sym.k === "mod" ? resolveShallow(this.index, sym) : sym;
    const chain = paramChain(value);
    if (chain) {
      const request = this.requestParams.get(requestParamKey(chain.fn, chain.index));
      if (request) {
        const input = inputOf(request, chain.path);
        return input?.kind === "body" && input.path === "body" ? { value, pinned: [] } : undefined;
      }
      for (const site of this.index.callsTo.get(chain.fn) ?? []) {
        const arg = site.args[chain.index];
        const found = arg && this.wholeBody(memberChain(arg, chain.path), hops + 1);
        if (found) return found;
      }
      return undefined;
    }
    if (value.k === "obj") {
      const spread = value.spreads.map((s) => this.wholeBody(s, hops)).find((f) => f !== undefined);
      return spread && { value: spread.value, pinned: [...spread.pinned, ...Object.keys(value.props)].sort() };
    }
    if (value.k === "alt") return value.options.map((o) => this.wholeBody(o, hops)).find((f) => f !== undefined);
    if (value.k === "call" && isObjectAssign(this.index, value.callee)) {
      const parts = value.args.map((a) => this.wholeBody(a, hops));
      const at = parts.findIndex((p) => p !== undefined);
      if (at < 0) return undefined;
      const later = value.args.slice(at + 1).flatMap((a) => Object.keys(objectArg(this.index, a)?.props ?? {}));
      return { value: parts[at]!.value, pinned: [...parts[at]!.pinned, ...later].sort() };
    }
    return undefined;
  }

  // ---- shared -----------------------------------------------------------------------------------

  /** Request functions that check the caller's role before they reject. */
  roleGuards(): string[] {
    const fns = new Set([...this.requestParams.keys()].map(functionOfKey));
    return [...fns].filter((fn) => {
      const s = this.index.signalsOf(fn);
      return s.checksRole !== undefined && s.rejects !== undefined;
    }).sort();
  }

  /** Request handlers and middleware whose code reaches a function. */
  private handlersOf(fn: string | undefined): string[] {
    if (!fn) return [];
    if (!this.handlersByFn) {
      this.handlersByFn = new Map();
      for (const handler of new Set([...this.requestParams.keys()].map(functionOfKey))) {
        for (const reached of reachableFunctions(this.index, handler)) {
          const list = this.handlersByFn.get(reached) ?? [];
          list.push(handler);
          this.handlersByFn.set(reached, list);
        }
      }
    }
    return [...(this.handlersByFn.get(fn) ?? [])].sort();
  }

  /** A chain's calls all start at one position: the outermost one (the longest chain) is the query. */
  outermostCallAt(loc: SourceLocation): CallFact | undefined {
    const calls = this.callsIn(loc.file).get(`${loc.line}:${loc.column}`) ?? [];
    return [...calls].sort((a, b) => chainLength(b.callee) - chainLength(a.callee))[0];
  }

  /** A file's calls by position. Only files with ORM queries are asked about: indexing every call of the project cost more. */
  private callsIn(file: string): Map<string, CallFact[]> {
    let byPosition = this.callsByFile.get(file);
    if (!byPosition) {
      byPosition = new Map();
      // A file's calls are the ones whose location is in it (the analyser records both from one path).
      for (const call of this.index.files.get(file)?.calls ?? []) addToList(byPosition, `${call.loc.line}:${call.loc.column}`, call);
      this.callsByFile.set(file, byPosition);
    }
    return byPosition;
  }
}

function functionOfKey(key: string): string {
  return key.replace(/#\d+$/, "");
}

function chainLength(sym: Sym): number {
  let n = 0;
  for (let s: Sym = sym; (s.k === "member" || s.k === "call") && n < 64; s = s.k === "member" ? s.obj : s.callee) n++;
  return n;
}

function calleeName(callee: Sym): string {
  if (callee.k === "member") return callee.prop;
  if (callee.k === "mod" && callee.name !== "*" && callee.name !== "default") return callee.name;
  if (callee.k === "ext") return callee.path[callee.path.length - 1] ?? "";
  return "";
}

function lastName(sym: Sym): string | undefined {
  if (sym.k === "member") return sym.prop;
  if (sym.k === "mod" && sym.name !== "*" && sym.name !== "default") return sym.name;
  return undefined;
}

function entityApi(entity: string | undefined, method: string): string {
  return entity ? `${entity}.${method}` : method;
}

function isObjectAssign(index: ProjectIndex, callee: Sym): boolean {
  const root = extRoot(index.resolve(callee));
  if (!root) return false;
  const { pkg, path } = extPath(root);
  return pkg === "global" && path[0] === "Object" && path[1] === "assign";
}
