// One place that calls the JS/TS parser. oxc-parser returns an ESTree program whose offsets are
// UTF-16 code-unit offsets into the text (the same unit as String indexes), so `lineColumnOf`
// works on the string as read.
import { parseSync, rawTransferSupported } from "oxc-parser";
import type { Comment, EcmaScriptModule, OxcError, ParserOptions, Program } from "oxc-parser";

export interface SourceError {
  message: string;
  line: number; // 1-based
  column: number; // 1-based, in UTF-16 code units
}

/** A parsed file. `errors` is non-empty when oxc recovered from errors: the program is still whole. */
export interface ParsedSource {
  /** Built on first read (on Node 20 this is where the JSON of the AST is turned into objects). */
  readonly program: Program;
  comments: Comment[];
  /** Static imports and exports found by the parser itself (ESM only; `require` needs a visitor). */
  module: EcmaScriptModule;
  lineStarts: number[];
  errors: SourceError[];
}

/** A file oxc could not recover from: it returns an empty program, so there is nothing to use. */
export interface ParseFailure {
  error: SourceError;
  errors: SourceError[];
  lineStarts: number[];
}

export type ParseOutcome = ParsedSource | ParseFailure;

export function isParseFailure(outcome: ParseOutcome): outcome is ParseFailure {
  return "error" in outcome;
}

type Lang = NonNullable<ParserOptions["lang"]>;
type SourceType = NonNullable<ParserOptions["sourceType"]>;
// Not in oxc-parser's typings yet, but accepted by its `parseSync` (see its index.js).
type FastParserOptions = ParserOptions & { experimentalRawTransfer?: boolean };

const useRawTransfer = rawTransferSupported();

/** Parses one file; never throws for bad source text. */
export function parseSource(path: string, text: string): ParseOutcome {
  const lineStarts = buildLineStarts(text);
  const extension = extensionOf(path);
  const lang = langFor(extension);
  let result = parseWith(path, text, lang, sourceTypeFor(extension));
  // `unambiguous` reads a file without import/export as a script, where a top-level `return`
  // (legal in CommonJS) is an error; parse such files again as CommonJS.
  if (result.errors.length > 0 && extension !== ".mjs" && extension !== ".mts" && result.program.sourceType === "script") {
    const asCommonJs = parseWith(path, text, lang, "commonjs");
    if (asCommonJs.errors.length < result.errors.length) result = asCommonJs;
  }
  const errors = result.errors.map((error) => toSourceError(error, lineStarts));
  if (errors.length > 0 && result.program.body.length === 0) {
    return { error: errors[0], errors, lineStarts };
  }
  return {
    get program() {
      return result.program;
    },
    comments: result.comments,
    module: result.module,
    lineStarts,
    errors,
  };
}

function parseWith(path: string, text: string, lang: Lang, sourceType: SourceType) {
  const options: FastParserOptions = { lang, sourceType, ...(useRawTransfer ? { experimentalRawTransfer: true } : {}) };
  return parseSync(path, text, options);
}

function extensionOf(path: string): string {
  const match = /\.[^./\\]+$/.exec(path);
  return match ? match[0].toLowerCase() : "";
}

// Plain .js files often hold JSX (React Native, Next.js pages, server-side views) and JSX mode
// accepts every valid JS program, so JS-family files are parsed as `jsx`.
function langFor(extension: string): Lang {
  if (extension === ".tsx") return "tsx";
  if (extension === ".ts" || extension === ".mts" || extension === ".cts") return "ts";
  return "jsx";
}

// .cts files may use `import` syntax (TypeScript compiles it to `require`), so only .cjs is
// parsed as CommonJS outright.
function sourceTypeFor(extension: string): SourceType {
  if (extension === ".mjs" || extension === ".mts") return "module";
  if (extension === ".cjs") return "commonjs";
  return "unambiguous";
}

function toSourceError(error: OxcError, lineStarts: number[]): SourceError {
  const offset = error.labels[0]?.start ?? 0;
  return { message: error.message, ...lineColumnOf(lineStarts, offset) };
}

/** Offsets at which each line starts; lines end at "\n" (a "\r\n" line keeps its "\r"). */
export function buildLineStarts(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) {
    starts.push(index + 1);
  }
  return starts;
}

/** 1-based line and column of a UTF-16 offset. */
export function lineColumnOf(lineStarts: readonly number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (lineStarts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - lineStarts[low] + 1 };
}
