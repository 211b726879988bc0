// What one file contributes to the model, recorded in a single walk and kept without its AST.
import type { SourceLocation } from "../../model/types.ts";
import type { Sym } from "./sym.ts";

export interface CallFact {
  /** For `a.b(x)` this is member(sym(a), "b"). */
  callee: Sym;
  args: Sym[];
  loc: SourceLocation;
  /** Enclosing function id, absent at module level. */
  fn?: string;
  inLoop: boolean;
  inTry: boolean;
  /** Source offset, for ordering registrations within a file. */
  order: number;
  /** `app[route.method](…)`: the computed member's key (the callee's member is "[]"). */
  key?: Sym;
}

/** What a function's body does that tells whether it guards a request. */
export interface AuthSignals {
  /** Reads a credential: Authorization header, session, cookie token, `req.user`, `isAuthenticated()`. */
  readsCredential?: SourceLocation;
  /** Verifies one: jwt.verify, request.jwtVerify(), passport.authenticate(...). */
  verifies?: SourceLocation & { inTry: boolean; how: string };
  /** Rejects with 401/403 (status, code, throw of an auth error, ctx.throw). */
  rejects?: SourceLocation & { status: number };
  /** Looks the caller up by their credential and, when nobody is found, passes an error on or answers 4xx/5xx. */
  refusesUnknownCaller?: SourceLocation;
  /** Checks a role/permission (reads user.role, isAdmin, permissions) before rejecting. */
  checksRole?: SourceLocation;
  /** A catch block that passes the error on (`throw`, `reply.send(err)`, `next(err)`): a failed verify rejects. */
  rethrows?: SourceLocation;
  /** Validates input with a schema (`schema.parse`, `safeParse`, `validate`, `validationResult`). */
  validates?: SourceLocation & { how: string };
}

export interface FunctionFact {
  id: string; // `${file}:${line}:${column}`
  name: string;
  loc: SourceLocation;
  params: string[];
  returns: Sym[];
  className?: string;
  signals: AuthSignals;
}

/** `@Get(':id')`: the decorator's value (a call's callee) and its arguments. */
export interface DecoratorFact {
  /** What the decorator expression stands for: `Get` from @nestjs/common is ext ["Get"]. */
  callee: Sym;
  args: Sym[];
  /** False for `@Injectable` written without a call. */
  called: boolean;
  loc: SourceLocation;
}

/** A declared type: its text, and what its name stands for when it names a value (a DTO class). */
export interface TypeRef {
  text: string;
  ref?: Sym;
  optional: boolean;
}

export interface ClassFact {
  id: string;
  name: string;
  loc: SourceLocation;
  methods: Record<string, string>; // method name → function id
  superClass?: Sym;
  decorators: DecoratorFact[];
  /** Decorators on each method, by method name. */
  methodDecorators: Record<string, DecoratorFact[]>;
  /** Decorators on each parameter of each method (constructor included), by method name. */
  paramDecorators: Record<string, DecoratorFact[][]>;
  /** Declared types of the parameters of each method that has decorated parameters (`@Body() dto: CreateDto`). */
  paramTypes?: Record<string, (TypeRef | undefined)[]>;
  /** Property declarations with their type annotation text and decorators (DTO classes). */
  properties: { name: string; optional: boolean; type?: string; decorators: DecoratorFact[]; loc: SourceLocation }[];
}

export interface FileFacts {
  path: string;
  packageRoot: string;
  /** Named exports; "default" for `export default` / `module.exports =`. */
  exports: Record<string, Sym>;
  /** Files re-exported whole with `export * from`. */
  starExports: string[];
  functions: FunctionFact[];
  classes: ClassFact[];
  calls: CallFact[];
  /** Facts other extractors attach (data accesses, outbound calls, secrets, controls...). */
  extra: Record<string, unknown[]>;
  lines: number;
}
