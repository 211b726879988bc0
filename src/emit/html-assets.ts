// The stylesheet and the one small script inlined into report.html. Static text only: nothing
// from the analysed project ever goes in here (the script reads what it needs from escaped
// data attributes), so the script block cannot be broken out of.

export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b2230; --muted: #5a6478; --border: #d8dde6; --border-strong: #9aa4b5;
  --surface: #f6f8fb; --code-bg: #f3f5f9; --link: #1f5fbf;
  --act: #b42318; --act-bg: #fef3f2; --decide: #9a5b05; --decide-bg: #fffaeb; --ask: #175cd3; --ask-bg: #eff6ff;
  --ok: #067647; --ok-bg: #ecfdf3; --none: #b42318; --unknown: #6b7280;
  --svc: #3e4fb0; --svc-bg: #eef0fb; --db: #0e7490; --db-bg: #ecfeff; --ext: #7a3fb0; --ext-bg: #f6effc; --edge: #7b8497;
  --tk-keyword: #7a2ea0; --tk-string: #0b6b3a; --tk-number: #a34b00; --tk-comment: #6b7280;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", "Liberation Sans", sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f141d; --fg: #e5e9f0; --muted: #9aa4b5; --border: #2b3444; --border-strong: #56627a;
    --surface: #161d29; --code-bg: #131a25; --link: #8ab4ff;
    --act: #ff8a80; --act-bg: #2a1515; --decide: #f5c26b; --decide-bg: #2a2110; --ask: #8ab4ff; --ask-bg: #121d33;
    --ok: #6ee7a8; --ok-bg: #10261b; --none: #ff8a80; --unknown: #a3acbb;
    --svc: #a5b0ff; --svc-bg: #1a1f3a; --db: #67d4e8; --db-bg: #0f2429; --ext: #d2a8ff; --ext-bg: #221830; --edge: #8b95a8;
    --tk-keyword: #d2a8ff; --tk-string: #7ee2a8; --tk-number: #ffb86b; --tk-comment: #8b95a8;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 var(--sans); overflow-wrap: anywhere; }
a { color: var(--link); }
code, pre, kbd { font-family: var(--mono); font-size: 0.88em; }
.page { max-width: 1180px; margin: 0 auto; padding: 0 20px 40px; }
header.top { border-bottom: 1px solid var(--border); margin-bottom: 8px; }
header.top h1 { font-size: 1.5rem; margin: 20px 0 4px; }
header.top .subtitle { color: var(--muted); margin: 0 0 12px; }
nav.toc { display: flex; flex-wrap: wrap; gap: 6px 8px; padding-bottom: 12px; }
nav.toc a { text-decoration: none; border: 1px solid var(--border); border-radius: 999px; padding: 2px 12px; font-size: 0.9rem; }
nav.toc a:hover { background: var(--surface); }
section { margin-top: 28px; }
h2 { font-size: 1.3rem; border-bottom: 1px solid var(--border); padding-bottom: 4px; margin: 0 0 12px; }
h3 { font-size: 1.08rem; margin: 20px 0 8px; }
.muted { color: var(--muted); }
.banner { border: 1px solid var(--act); background: var(--act-bg); border-radius: 8px; padding: 10px 14px; margin: 8px 0 12px; }
.banner strong { color: var(--act); }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 10px; margin: 8px 0; }
.stat { border: 1px solid var(--border); border-radius: 8px; padding: 10px 12px; background: var(--surface); }
.stat .label { color: var(--muted); font-size: 0.82rem; text-transform: uppercase; letter-spacing: 0.04em; }
.stat .value { font-size: 1.35rem; font-weight: 650; }
.stat .detail { color: var(--muted); font-size: 0.85rem; }
.meter { height: 6px; border-radius: 3px; background: var(--border); overflow: hidden; margin-top: 6px; }
.meter > span { display: block; height: 100%; background: var(--ok); }
.meter.low > span { background: var(--act); }
.meter.mid > span { background: var(--decide); }
ul.warnings { margin: 8px 0; padding-left: 0; list-style: none; }
ul.warnings li { border-left: 3px solid var(--decide); background: var(--decide-bg); padding: 6px 10px; margin: 4px 0; border-radius: 0 6px 6px 0; }
.table-wrap { overflow-x: auto; border: 1px solid var(--border); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--border); vertical-align: top; }
thead th { background: var(--surface); font-size: 0.85rem; color: var(--muted); font-weight: 600; }
tbody tr:last-child th, tbody tr:last-child td { border-bottom: none; }
th, .method, .pill { overflow-wrap: normal; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 650; }
td.zero { color: var(--muted); }
.pill { display: inline-block; border-radius: 999px; padding: 0 8px; font-size: 0.8rem; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.band-act { --band: var(--act); --band-bg: var(--act-bg); }
.band-decide { --band: var(--decide); --band-bg: var(--decide-bg); }
.band-ask { --band: var(--ask); --band-bg: var(--ask-bg); }
.pill.band { color: var(--band); background: var(--band-bg); }
.auth-required { --auth: var(--ok); }
.auth-optional { --auth: var(--decide); }
.auth-none { --auth: var(--none); }
.auth-unknown { --auth: var(--unknown); }
.pill.auth { color: var(--auth); }
.method { font-family: var(--mono); font-weight: 700; font-size: 0.82rem; }
.method-GET { color: #1f6feb; } .method-POST { color: #1a7f37; } .method-PUT, .method-PATCH { color: #9a6700; }
.method-DELETE { color: #cf222e; } .method-HEAD, .method-OPTIONS, .method-ALL, .method-various { color: var(--muted); }
.path .param { color: var(--ext); }
.mechanisms { color: var(--muted); font-size: 0.85rem; }
.filters { display: none; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0 10px; }
.js .filters { display: flex; }
.filters input, .filters select, .toolbar button, .filters button {
  font: inherit; font-size: 0.92rem; padding: 5px 8px; border: 1px solid var(--border-strong); border-radius: 6px;
  background: var(--bg); color: var(--fg); min-width: 0;
}
.filters input[type="search"] { flex: 1 1 220px; }
.filters button, .toolbar button { cursor: pointer; }
#endpoint-count { color: var(--muted); font-size: 0.9rem; margin-left: auto; }
tr.empty td { text-align: center; color: var(--muted); }
figure { margin: 0; }
.diagram { border: 1px solid var(--border); border-radius: 8px; background: var(--surface); margin: 8px 0 18px; }
.diagram .scroll { overflow-x: auto; padding: 6px; }
.diagram figcaption { padding: 8px 12px; border-top: 1px solid var(--border); color: var(--muted); font-size: 0.88rem; }
.diagram .empty-diagram { padding: 18px; color: var(--muted); }
.diagram-tools { display: none; flex-wrap: wrap; align-items: center; gap: 4px 8px; padding: 6px 12px 0; color: var(--muted); font-size: 0.82rem; }
.js .diagram.is-wide .diagram-tools, .js .diagram.is-fit .diagram-tools { display: flex; }
.diagram.is-fit .diagram-tools span { display: none; }
.diagram-tools button { font: inherit; padding: 2px 8px; border: 1px solid var(--border-strong); border-radius: 6px; background: var(--bg); color: var(--fg); cursor: pointer; }
.diagram.is-fit .diagram-svg { max-width: 100%; height: auto; }
.diagram-svg { display: block; font-family: var(--mono); }
.diagram-svg .t { font-size: 13px; fill: var(--fg); }
.diagram-svg .t-small { font-size: 11px; fill: var(--muted); }
.diagram-svg .t-strong { font-weight: 600; fill: var(--fg); }
.diagram-svg .t-muted { fill: var(--muted); }
.diagram-svg .t-heading { font-size: 11px; fill: var(--muted); letter-spacing: 0.05em; text-transform: uppercase; }
.diagram-svg .shape { fill: var(--bg); stroke: var(--border-strong); stroke-width: 1.2; }
.diagram-svg .rim { fill: none; }
.diagram-svg .node-service .shape { fill: var(--svc-bg); stroke: var(--svc); }
.diagram-svg .node-database .shape, .diagram-svg .node-cache .shape { fill: var(--db-bg); stroke: var(--db); }
.diagram-svg .node-http .shape, .diagram-svg .node-queue .shape, .diagram-svg .node-other .shape { fill: var(--ext-bg); stroke: var(--ext); }
.diagram-svg .node-declared .shape, .diagram-svg .node-empty .shape { stroke-dasharray: 5 4; }
.diagram-svg .node-empty .shape { fill: none; }
.diagram-svg .edge { fill: none; stroke: var(--edge); stroke-width: 1.4; }
.diagram-svg .edge-declared, .diagram-svg .edge-optional { stroke-dasharray: 5 4; }
.diagram-svg .marker-arrow { fill: var(--edge); }
.diagram-svg .marker-line { fill: none; stroke: var(--edge); stroke-width: 1.4; }
.diagram-svg .edge-auth-required { stroke: var(--ok); }
.diagram-svg .edge-auth-optional { stroke: var(--decide); stroke-dasharray: 6 4; }
.diagram-svg .edge-auth-none { stroke: var(--none); }
.diagram-svg .edge-auth-unknown { stroke: var(--unknown); stroke-dasharray: 2 4; }
.diagram-svg .gate-mechanism .shape { fill: var(--ok-bg); stroke: var(--ok); }
.diagram-svg .gate-none .shape { fill: var(--act-bg); stroke: var(--none); }
.diagram-svg .gate-unknown .shape, .diagram-svg .gate-unnamed .shape { stroke: var(--unknown); stroke-dasharray: 4 3; }
.diagram-svg .node-route .shape { stroke: var(--auth); }
.diagram-svg .t-method { font-weight: 700; }
.diagram-svg .method-GET { fill: #1f6feb; } .diagram-svg .method-POST { fill: #1a7f37; }
.diagram-svg .method-PUT, .diagram-svg .method-PATCH { fill: #9a6700; } .diagram-svg .method-DELETE { fill: #cf222e; }
.diagram-svg .node-entity .shape { stroke: var(--db); }
.diagram-svg .entity-header { stroke: var(--db); }
.diagram-svg .t-key { fill: var(--decide); font-weight: 700; }
.diagram-svg .t-nullable { font-style: italic; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 0.85rem; color: var(--muted); }
.legend .swatch { display: inline-block; width: 22px; height: 0; border-top: 2px solid var(--auth); vertical-align: middle; margin-right: 4px; }
.legend .auth-optional .swatch { border-top-style: dashed; }
.legend .auth-unknown .swatch { border-top-style: dotted; }
.toolbar { display: none; gap: 8px; margin: 4px 0 8px; }
.js .toolbar { display: flex; }
.band-section { margin-top: 18px; }
.band-section > h3 { border-left: 4px solid var(--band); padding-left: 10px; }
.band-section > p.band-intro { margin: 0 0 10px 14px; color: var(--muted); }
details.finding { border: 1px solid var(--border); border-left: 4px solid var(--band); border-radius: 8px; margin: 10px 0; background: var(--bg); }
details.finding > summary { cursor: pointer; padding: 10px 14px; list-style-position: outside; }
details.finding > summary .title { font-weight: 650; }
details.finding > .body { padding: 0 14px 12px; }
.meta { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: center; color: var(--muted); font-size: 0.85rem; margin-top: 4px; }
.severity-critical, .severity-high { color: var(--act); }
.severity-medium { color: var(--decide); }
.severity-low, .severity-info { color: var(--muted); }
.block-label { font-weight: 650; margin: 12px 0 4px; }
.evidence { border: 1px solid var(--border); border-radius: 6px; margin: 6px 0; overflow: hidden; break-inside: avoid; }
.evidence > figcaption { background: var(--surface); padding: 4px 10px; font-size: 0.85rem; border-bottom: 1px solid var(--border); }
.evidence > figcaption .label { color: var(--muted); }
pre.code { margin: 0; padding: 8px 0; background: var(--code-bg); overflow-x: auto; line-height: 1.45; }
pre.code .line { display: block; padding: 0 12px 0 0; white-space: pre; }
pre.code .ln { display: inline-block; min-width: 3.2em; padding: 0 10px 0 8px; margin-right: 8px; text-align: right; color: var(--muted);
  border-right: 1px solid var(--border); user-select: none; }
pre.code.plain .line { padding-left: 12px; }
pre.code .line.hit { background: color-mix(in srgb, var(--decide) 14%, transparent); }
.tk-keyword { color: var(--tk-keyword); } .tk-string { color: var(--tk-string); } .tk-number { color: var(--tk-number); }
.tk-comment { color: var(--tk-comment); font-style: italic; }
.plan-compare { display: grid; grid-template-columns: auto 1fr auto; gap: 4px 10px; align-items: center; padding: 8px 10px; font-size: 0.9rem; }
.plan-compare .bar { height: 10px; border-radius: 3px; background: var(--act); min-width: 2px; }
.plan-compare .bar.after { background: var(--ok); }
.plan-compare .note { grid-column: 1 / -1; color: var(--muted); font-size: 0.85rem; }
.evidence.lint, .evidence.measure { padding: 6px 10px; font-size: 0.92rem; }
.options { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 8px; }
.option { border: 1px solid var(--border); border-radius: 6px; padding: 8px 10px; background: var(--surface); }
.option h4 { margin: 0 0 4px; font-size: 0.95rem; }
.option ul { margin: 0; padding-left: 1.3em; }
.option li.pro::marker { content: "+ "; color: var(--ok); font-weight: 700; }
.option li.con::marker { content: "− "; color: var(--act); font-weight: 700; }
.question { border: 1px solid var(--ask); background: var(--ask-bg); border-radius: 6px; padding: 8px 12px; margin-top: 10px; }
.question strong { color: var(--ask); }
.fix pre.code { border: 1px solid var(--border); border-radius: 6px; }
ul.references { margin: 4px 0 0; padding-left: 1.2em; }
details.more > summary { cursor: pointer; font-weight: 600; margin: 8px 0; }
footer { margin-top: 36px; padding-top: 10px; border-top: 1px solid var(--border); color: var(--muted); font-size: 0.85rem; }
@media (max-width: 720px) {
  body { font-size: 14px; }
  .page { padding: 0 12px 32px; }
  header.top h1 { font-size: 1.25rem; }
  table.endpoints thead { display: none; }
  table.endpoints, table.endpoints tbody, table.endpoints tr, table.endpoints td { display: block; width: 100%; }
  table.endpoints tr { border-bottom: 1px solid var(--border); padding: 6px 0; }
  table.endpoints tr[hidden] { display: none; }
  table.endpoints td { border: none; padding: 2px 10px; }
  table.endpoints td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: 0.8rem; }
  table.endpoints td.cell-route { display: inline-block; width: auto; padding-right: 0; }
  table.endpoints td.cell-route::before { content: none; }
  .filters input[type="search"] { flex-basis: 100%; }
  table.counts th, table.counts td { padding: 5px 6px; }
  #endpoint-count { margin-left: 0; width: 100%; }
}
@media print {
  :root {
    color-scheme: light;
    --bg: #ffffff; --fg: #000000; --muted: #444444; --border: #bbbbbb; --surface: #ffffff; --code-bg: #f7f7f7;
  }
  body { font-size: 10.5pt; }
  .page { max-width: none; padding: 0; }
  nav.toc, .filters, .js .filters, .toolbar, .js .toolbar, .no-print, .diagram-tools, .js .diagram .diagram-tools { display: none !important; }
  table.endpoints tr[hidden] { display: table-row !important; }
  tr.empty { display: none !important; }
  details > summary { list-style: none; }
  details > summary::-webkit-details-marker { display: none; }
  details::details-content { content-visibility: visible !important; display: block !important; }
  .diagram { break-inside: avoid; }
  .diagram .scroll { overflow: visible; }
  .diagram-svg { max-width: 100%; height: auto; }
  pre.code { overflow: visible; }
  pre.code .line { white-space: pre-wrap; }
  details.finding, .evidence, .option { break-inside: avoid; }
  a { color: inherit; text-decoration: underline; }
  section { break-before: auto; }
}
`;

/** Filters for the endpoint table, expand/collapse for findings, and everything open for print. */
export const REPORT_SCRIPT = `
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var table = document.getElementById("endpoint-table");
  if (table) {
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-method]"));
    var text = document.getElementById("filter-text");
    var method = document.getElementById("filter-method");
    var auth = document.getElementById("filter-auth");
    var count = document.getElementById("endpoint-count");
    var empty = document.getElementById("endpoint-empty");
    var apply = function () {
      var words = text.value.toLowerCase().split(/\\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var visible = (!method.value || row.getAttribute("data-method") === method.value) &&
          (!auth.value || row.getAttribute("data-auth") === auth.value) &&
          words.every(function (word) { return row.getAttribute("data-search").indexOf(word) !== -1; });
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      count.textContent = shown + " of " + rows.length + " endpoint" + (rows.length === 1 ? "" : "s");
      if (empty) empty.hidden = shown !== 0;
    };
    text.addEventListener("input", apply);
    method.addEventListener("change", apply);
    auth.addEventListener("change", apply);
    document.getElementById("filter-reset").addEventListener("click", function () {
      text.value = ""; method.value = ""; auth.value = ""; apply();
    });
    apply();
  }
  // Diagrams wider than their box get a hint and a fit-to-width switch (useful on phones).
  var diagrams = Array.prototype.slice.call(document.querySelectorAll(".diagram"));
  var measure = function () {
    diagrams.forEach(function (figure) {
      var scroller = figure.querySelector(".scroll");
      var svg = scroller && scroller.querySelector("svg");
      if (!svg) return;
      figure.classList.toggle("is-wide", Number(svg.getAttribute("width")) > scroller.clientWidth - 12);
    });
  };
  diagrams.forEach(function (figure) {
    var button = figure.querySelector(".fit-toggle");
    if (!button) return;
    button.addEventListener("click", function () {
      var fit = figure.classList.toggle("is-fit");
      button.setAttribute("aria-pressed", String(fit));
      button.textContent = fit ? "actual size" : "fit to width";
    });
  });
  window.addEventListener("resize", measure);
  measure();
  var setFindings = function (open) {
    document.querySelectorAll("details.finding").forEach(function (d) { d.open = open; });
  };
  var expand = document.getElementById("expand-all");
  var collapse = document.getElementById("collapse-all");
  if (expand) expand.addEventListener("click", function () { setFindings(true); });
  if (collapse) collapse.addEventListener("click", function () { setFindings(false); });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.setAttribute("data-print-opened", ""); d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-print-opened]").forEach(function (d) { d.removeAttribute("data-print-opened"); d.open = false; });
  });
})();
`;
