// A small syntax highlighter for evidence snippets in report.html: comments, strings, numbers and
// keywords of JavaScript/TypeScript and SQL. Every token is escaped on its own, so highlighting
// can never turn analysed code into markup.
import { escapeMarkup } from "./svg.ts";

export type SnippetLanguage = "js" | "sql" | "text";

const JS_KEYWORDS = new Set(
  ("async await break case catch class const continue default delete do else export extends false finally for from " +
    "function if import in instanceof let new null of return static super switch this throw true try typeof undefined " +
    "var void while yield interface type enum implements private public protected readonly as")
    .split(" "),
);

const SQL_KEYWORDS = new Set(
  ("select from where and or not in is null like ilike order by group having limit offset insert into values update set " +
    "delete create table index unique primary key foreign references on join left right inner outer full cross as " +
    "distinct union all exists between case when then else end returning with desc asc alter add drop column default " +
    "constraint check cascade")
    .split(" "),
);

/** Order matters: comments and strings first, so keywords inside them stay plain. */
const TOKENS: Record<Exclude<SnippetLanguage, "text">, RegExp> = {
  js: /(\/\/[^\n]*|\/\*[\s\S]*?\*\/)|(`(?:\\[\s\S]|[^`\\])*`?|'(?:\\.|[^'\\\n])*'?|"(?:\\.|[^"\\\n])*"?)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_$][\w$]*)/g,
  sql: /(--[^\n]*|\/\*[\s\S]*?\*\/)|('(?:''|[^'])*'?|"(?:""|[^"])*")|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][\w$]*)/g,
};

export function languageOfFile(file: string | undefined): SnippetLanguage {
  const extension = file?.split(".").pop()?.toLowerCase() ?? "";
  if (["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"].includes(extension)) return "js";
  if (extension === "sql") return "sql";
  return "text";
}

/** HTML for one source text, with <span class="tk-…"> around recognised tokens. */
export function highlight(code: string, language: SnippetLanguage): string {
  if (language === "text") return escapeMarkup(code);
  const keywords = language === "sql" ? SQL_KEYWORDS : JS_KEYWORDS;
  let out = "";
  let last = 0;
  for (const match of code.matchAll(TOKENS[language])) {
    const [text, comment, string, number, word] = match;
    const start = match.index;
    out += escapeMarkup(code.slice(last, start));
    last = start + text.length;
    if (comment !== undefined) out += span("comment", text);
    else if (string !== undefined) out += span("string", text);
    else if (number !== undefined) out += span("number", text);
    else if (word !== undefined && keywords.has(language === "sql" ? word.toLowerCase() : word)) out += span("keyword", text);
    else out += escapeMarkup(text);
  }
  return out + escapeMarkup(code.slice(last));
}

function span(kind: string, text: string): string {
  return `<span class="tk-${kind}">${escapeMarkup(text)}</span>`;
}
