// Diagrams as SVG, laid out here rather than by a diagram runtime in the page: report.html then
// opens offline, renders the same everywhere and prints. Layouts are simple layered ones
// (left to right); text widths are estimated for a monospace font, which the SVG asks for, so
// boxes fit their labels without measuring text in a browser. Colours come from CSS classes in
// report.html, so the diagrams follow its light and dark themes.
import type { Entity } from "../model/types.ts";
import type { ArchitectureView, AuthFlowView, AuthGate, AuthRoute, DependencyNode, Relationship } from "./views.ts";
import { foreignKeyColumns } from "./views.ts";

/** Escapes text for HTML and SVG content and attribute values alike. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

const FONT_SIZE = 13;
const SMALL_FONT_SIZE = 11;
/** Advance width of a monospace glyph as a fraction of the font size (DejaVu Sans Mono: 0.602). */
const CHAR_WIDTH = 0.61;
const LINE_HEIGHT = 17;
const PADDING = 10;
const COLUMN_GAP = 90;
const ROW_GAP = 16;
const MARGIN = 16;
const HEADING_SPACE = 22;
/** Labels longer than this are cut with an ellipsis; the full text is in a <title> tooltip. */
const MAX_LABEL_CHARS = 44;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Line {
  text: string;
  className?: string;
  small?: boolean;
}

/** Rounds coordinates to one decimal so the output is short and identical across machines. */
function r(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function charCount(text: string): number {
  return Array.from(text).length;
}

export function textWidth(text: string, fontSize = FONT_SIZE): number {
  return charCount(text) * fontSize * CHAR_WIDTH;
}

function clip(text: string, max = MAX_LABEL_CHARS): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : text;
}

function linesWidth(lines: readonly Line[]): number {
  return Math.max(...lines.map((l) => textWidth(clip(l.text), l.small ? SMALL_FONT_SIZE : FONT_SIZE))) + 2 * PADDING;
}

function linesHeight(lines: readonly Line[]): number {
  return lines.length * LINE_HEIGHT + 2 * PADDING - 4;
}

function svgDocument(id: string, title: string, width: number, height: number, body: string[]): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" id="${escapeMarkup(id)}" class="diagram-svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-labelledby="${escapeMarkup(id)}-title">`,
    `<title id="${escapeMarkup(id)}-title">${escapeMarkup(title)}</title>`,
    ...body,
    "</svg>",
  ].join("\n");
}

function arrowMarker(id: string): string {
  return `<defs><marker id="${id}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path class="marker-arrow" d="M0,0 L10,5 L0,10 z"/></marker></defs>`;
}

/** Text lines centred in a box, each clipped with its full text as a tooltip when cut. */
function textLines(box: Box, lines: readonly Line[], align: "middle" | "start" = "middle"): string[] {
  const x = align === "middle" ? box.x + box.width / 2 : box.x + PADDING;
  const top = box.y + (box.height - lines.length * LINE_HEIGHT) / 2 + LINE_HEIGHT - 4;
  return lines.map((line, i) => {
    const shown = clip(line.text);
    const cls = [line.small ? "t-small" : "t", line.className].filter(Boolean).join(" ");
    const tooltip = shown === line.text ? "" : `<title>${escapeMarkup(line.text)}</title>`;
    return `<text class="${cls}" x="${r(x)}" y="${r(top + i * LINE_HEIGHT)}" text-anchor="${align}">${tooltip}${escapeMarkup(shown)}</text>`;
  });
}

function rect(box: Box, className: string, radius = 6): string {
  return `<rect class="${className}" x="${r(box.x)}" y="${r(box.y)}" width="${r(box.width)}" height="${r(box.height)}" rx="${radius}"/>`;
}

const CYLINDER_RY = 6;

/** A cylinder: the usual shape for a datastore. Its text goes below the top rim (see `belowRim`). */
function cylinder(box: Box, className: string): string {
  const ry = CYLINDER_RY;
  const { x, y, width: w, height: h } = box;
  const body =
    `M${r(x)},${r(y + ry)} A${r(w / 2)},${ry} 0 0 1 ${r(x + w)},${r(y + ry)} L${r(x + w)},${r(y + h - ry)} ` +
    `A${r(w / 2)},${ry} 0 0 1 ${r(x)},${r(y + h - ry)} Z`;
  const rim = `M${r(x)},${r(y + ry)} A${r(w / 2)},${ry} 0 0 0 ${r(x + w)},${r(y + ry)}`;
  return `<path class="${className}" d="${body}"/><path class="${className} rim" d="${rim}"/>`;
}

/** A left-to-right curve between two points with horizontal tangents at both ends. */
function curve(x1: number, y1: number, x2: number, y2: number): string {
  const dx = Math.max(24, Math.abs(x2 - x1) / 2);
  const direction = x2 >= x1 ? 1 : -1;
  return `M${r(x1)},${r(y1)} C${r(x1 + dx * direction)},${r(y1)} ${r(x2 - dx * direction)},${r(y2)} ${r(x2)},${r(y2)}`;
}

function edge(d: string, className: string, markerId: string, extra = ""): string {
  return `<path class="${className}" d="${d}" marker-end="url(#${markerId}-arrow)"${extra}/>`;
}

interface Placed<T> {
  item: T;
  box: Box;
  lines: Line[];
}

/** Stacks items in a column at `x`, starting at `top`; returns them and the column's bottom. */
function stack<T>(
  items: readonly T[],
  x: number,
  top: number,
  width: number,
  linesOf: (item: T) => Line[],
  extraHeight: (item: T) => number = () => 0,
): { placed: Placed<T>[]; bottom: number } {
  let y = top;
  const placed = items.map((item) => {
    const lines = linesOf(item);
    const box = { x, y, width, height: linesHeight(lines) + extraHeight(item) };
    y += box.height + ROW_GAP;
    return { item, box, lines };
  });
  return { placed, bottom: y - ROW_GAP };
}

function columnWidth<T>(items: readonly T[], linesOf: (item: T) => Line[], minimum: number): number {
  return Math.max(minimum, ...items.map((item) => linesWidth(linesOf(item))));
}

function shift<T>(placed: Placed<T>[], dy: number): void {
  for (const p of placed) p.box.y += dy;
}

function heading(x: number, text: string): string {
  return `<text class="t-heading" x="${r(x)}" y="${MARGIN + 4}">${escapeMarkup(text)}</text>`;
}

const midY = (box: Box) => box.y + box.height / 2;

// ---- architecture ------------------------------------------------------------------------------

function serviceLines(service: ArchitectureView["services"][number]): Line[] {
  const lines: Line[] = [
    { text: service.id, className: "t-strong" },
    { text: service.frameworks.length > 0 ? service.frameworks.join(" · ") : "framework not recognised", small: true },
    { text: `${service.endpointCount} endpoint${service.endpointCount === 1 ? "" : "s"}`, small: true },
  ];
  if (service.root !== ".") lines.push({ text: service.root, small: true, className: "t-muted" });
  return lines;
}

function dependencyLines(node: DependencyNode): Line[] {
  const lines: Line[] = [
    { text: node.label, className: "t-strong" },
    { text: `via ${node.clients.join(", ")}`, small: true },
  ];
  if (node.declaredOnly) lines.push({ text: "declared; no query seen", small: true, className: "t-muted" });
  return lines;
}

export function architectureSvg(view: ArchitectureView, id = "diagram-architecture"): string {
  const clientLines: Line[] = [{ text: "Clients", className: "t-strong" }, { text: "HTTP", small: true }];
  const clientsWidth = linesWidth(clientLines);
  const servicesWidth = columnWidth(view.services, serviceLines, 150);
  const dependencies = [...view.datastores, ...view.externals];
  const placeholder: DependencyNode = { key: "none", label: "none found", kind: "other", clients: [], declaredOnly: false };
  const placeholderLines: Line[] = [
    { text: "no datastores or external", className: "t-muted" },
    { text: "calls found", className: "t-muted" },
  ];
  const depLines = (node: DependencyNode) => (node === placeholder ? placeholderLines : dependencyLines(node));
  const isStore = (node: DependencyNode) => node.kind === "database" || node.kind === "cache";
  const rimSpace = (node: DependencyNode) => (isStore(node) ? 2 * CYLINDER_RY : 0);
  const depsWidth = columnWidth(dependencies.length > 0 ? dependencies : [placeholder], depLines, 150);

  const top = MARGIN + HEADING_SPACE;
  const xClients = MARGIN;
  const xServices = xClients + clientsWidth + COLUMN_GAP;
  const xDeps = xServices + servicesWidth + COLUMN_GAP;

  const services = stack(view.services, xServices, top, servicesWidth, serviceLines);
  // Datastores first, then external systems, with a gap and a heading between the two groups.
  const stores = stack(view.datastores, xDeps, top, depsWidth, depLines, rimSpace);
  const externalTop = view.datastores.length > 0 ? stores.bottom + ROW_GAP + HEADING_SPACE : top;
  const externals = stack(view.externals, xDeps, externalTop, depsWidth, depLines);
  const none = dependencies.length === 0 ? stack([placeholder], xDeps, top, depsWidth, depLines) : undefined;
  const depsBottom = Math.max(stores.bottom, externals.bottom, none?.bottom ?? 0);

  const contentBottom = Math.max(services.bottom, depsBottom, top + linesHeight(clientLines));
  // Centre the shorter columns against the tallest.
  shift(services.placed, (contentBottom - services.bottom) / 2);
  const clientBox = { x: xClients, y: top + (contentBottom - top - linesHeight(clientLines)) / 2, width: clientsWidth, height: linesHeight(clientLines) };

  const body: string[] = [arrowMarker(id)];
  body.push(heading(xClients, "clients"), heading(xServices, "services"));
  if (view.datastores.length > 0 || dependencies.length === 0) body.push(heading(xDeps, "datastores"));
  if (view.externals.length > 0) {
    body.push(`<text class="t-heading" x="${r(xDeps)}" y="${r(externalTop - 8)}">external systems</text>`);
  }

  for (const s of services.placed) {
    body.push(edge(curve(clientBox.x + clientBox.width, midY(clientBox), s.box.x, midY(s.box)), "edge", id));
  }
  const depPlaced = new Map([...stores.placed, ...externals.placed].map((p) => [p.item.key, p]));
  const servicePlaced = new Map(services.placed.map((p) => [p.item.id, p]));
  for (const e of view.edges) {
    const from = servicePlaced.get(e.serviceId);
    const to = depPlaced.get(e.dependencyKey);
    if (!from || !to) continue;
    const cls = e.declaredOnly ? "edge edge-declared" : "edge";
    body.push(edge(curve(from.box.x + from.box.width, midY(from.box), to.box.x, midY(to.box)), cls, id, ` data-clients="${escapeMarkup(e.clients.join(","))}"`));
  }

  body.push(`<g class="node node-clients">${rect(clientBox, "shape")}${textLines(clientBox, clientLines).join("")}</g>`);
  for (const s of services.placed) {
    body.push(`<g class="node node-service" data-service="${escapeMarkup(s.item.id)}">${rect(s.box, "shape")}${textLines(s.box, s.lines).join("")}</g>`);
  }
  for (const p of [...stores.placed, ...externals.placed]) {
    const store = isStore(p.item);
    const shape = store ? cylinder(p.box, "shape") : rect(p.box, "shape", 14);
    const textBox = store ? { ...p.box, y: p.box.y + 2 * CYLINDER_RY, height: p.box.height - 2 * CYLINDER_RY } : p.box;
    const cls = `node node-${p.item.kind}${p.item.declaredOnly ? " node-declared" : ""}`;
    body.push(`<g class="${cls}" data-dependency="${escapeMarkup(p.item.label)}">${shape}${textLines(textBox, p.lines).join("")}</g>`);
  }
  for (const p of none?.placed ?? []) body.push(`<g class="node node-empty">${rect(p.box, "shape")}${textLines(p.box, p.lines).join("")}</g>`);

  const width = xDeps + depsWidth + MARGIN;
  return svgDocument(id, "Architecture: clients, services, datastores and external systems", width, contentBottom + MARGIN, body);
}

// ---- auth flow ---------------------------------------------------------------------------------

const ROUTE_HEIGHT = 24;
const ROUTE_GAP = 6;
const METHOD_CHARS = 7;

function gateLines(gate: AuthGate, endpointCount: number): Line[] {
  return [
    { text: gate.label, className: "t-strong" },
    { text: `${endpointCount} endpoint${endpointCount === 1 ? "" : "s"}`, small: true },
  ];
}

function routeText(route: AuthRoute): string {
  return route.count > 1 ? `${route.label} (${route.count})` : route.label;
}

export function authFlowSvg(view: AuthFlowView, id = "diagram-auth"): string {
  const top = MARGIN + HEADING_SPACE;
  const requestLines: Line[] = [{ text: "Request", className: "t-strong" }];
  const requestWidth = linesWidth(requestLines);
  const endpointsPerGate = new Map(view.gates.map((g) => [g.key, 0]));
  const routeByKey = new Map(view.routes.map((route) => [route.key, route]));
  for (const link of view.links) endpointsPerGate.set(link.gateKey, endpointsPerGate.get(link.gateKey)! + routeByKey.get(link.routeKey)!.count);
  const linesOfGate = (g: AuthGate) => gateLines(g, endpointsPerGate.get(g.key)!);
  const gateWidth = columnWidth(view.gates, linesOfGate, 130);

  const xRequest = MARGIN;
  const xGates = xRequest + requestWidth + COLUMN_GAP;
  const xRoutes = xGates + gateWidth + COLUMN_GAP;
  const methodWidth = METHOD_CHARS * SMALL_FONT_SIZE * CHAR_WIDTH + PADDING;
  const routeWidth = Math.max(160, ...view.routes.map((route) => methodWidth + textWidth(clip(routeText(route))) + 2 * PADDING));

  const routeBoxes = new Map<string, Box>();
  view.routes.forEach((route, i) => {
    routeBoxes.set(route.key, { x: xRoutes, y: top + i * (ROUTE_HEIGHT + ROUTE_GAP), width: routeWidth, height: ROUTE_HEIGHT });
  });
  const routesBottom = view.routes.length > 0 ? top + view.routes.length * (ROUTE_HEIGHT + ROUTE_GAP) - ROUTE_GAP : top;

  // Each gate sits level with the middle of the routes behind it, pushed down where it would overlap.
  const gateBoxes = new Map<string, Box>();
  let nextFree = top;
  for (const gate of view.gates) {
    const ys = view.links.filter((l) => l.gateKey === gate.key).map((l) => midY(routeBoxes.get(l.routeKey)!));
    const height = linesHeight(linesOfGate(gate));
    const wanted = ys.length > 0 ? (Math.min(...ys) + Math.max(...ys)) / 2 - height / 2 : nextFree;
    const y = Math.max(wanted, nextFree);
    gateBoxes.set(gate.key, { x: xGates, y, width: gateWidth, height });
    nextFree = y + height + ROW_GAP;
  }
  const contentBottom = Math.max(routesBottom, nextFree - ROW_GAP, top + linesHeight(requestLines));
  const requestBox = { x: xRequest, y: top + (contentBottom - top - linesHeight(requestLines)) / 2, width: requestWidth, height: linesHeight(requestLines) };

  const body: string[] = [arrowMarker(id)];
  body.push(heading(xRequest, "request"), heading(xGates, "auth mechanism"), heading(xRoutes, view.grouped ? "endpoints (grouped by path prefix)" : "endpoints"));
  for (const gate of view.gates) {
    const box = gateBoxes.get(gate.key)!;
    body.push(edge(curve(requestBox.x + requestBox.width, midY(requestBox), box.x, midY(box)), "edge", id));
  }
  for (const link of view.links) {
    const from = gateBoxes.get(link.gateKey)!;
    const to = routeBoxes.get(link.routeKey)!;
    body.push(edge(curve(from.x + from.width, midY(from), to.x, midY(to)), `edge edge-auth-${link.state}`, id));
  }
  body.push(`<g class="node node-request">${rect(requestBox, "shape")}${textLines(requestBox, requestLines).join("")}</g>`);
  for (const gate of view.gates) {
    const box = gateBoxes.get(gate.key)!;
    body.push(`<g class="node node-gate gate-${gate.kind}" data-gate="${escapeMarkup(gate.label)}">${rect(box, "shape")}${textLines(box, linesOfGate(gate)).join("")}</g>`);
  }
  for (const route of view.routes) {
    const box = routeBoxes.get(route.key)!;
    const baseline = r(box.y + ROUTE_HEIGHT / 2 + 4);
    const label = routeText(route);
    const shown = clip(label);
    const tooltip = shown === label ? "" : `<title>${escapeMarkup(label)}</title>`;
    body.push(
      `<g class="node node-route auth-${route.state}" data-route="${escapeMarkup(`${route.method} ${route.label}`)}">` +
        rect(box, "shape", 4) +
        `<text class="t-small t-method method-${route.method}" x="${r(box.x + PADDING)}" y="${baseline}">${route.method}</text>` +
        `<text class="t" x="${r(box.x + PADDING + methodWidth)}" y="${baseline}">${tooltip}${escapeMarkup(shown)}</text></g>`,
    );
  }
  const width = xRoutes + routeWidth + MARGIN;
  return svgDocument(id, "Auth flow: which endpoints pass through which auth mechanism", width, contentBottom + MARGIN, body);
}

// ---- ER diagram --------------------------------------------------------------------------------

const ER_HEADER = 26;
const ER_ROW = 19;
const ER_MAX_ROWS = 14;
/** A rank whose boxes would be taller than this is split over several columns. */
const ER_MAX_COLUMN_HEIGHT = 900;
const ER_COLUMN_GAP = 80;
const KEY_WIDTH = 3 * SMALL_FONT_SIZE * CHAR_WIDTH + 6;

interface EntityBox extends Box {
  entity: Entity;
  /** Rows shown, in declared order; `more` counts the columns left out. */
  rows: { name: string; type: string; key: string; nullable: boolean }[];
  more: number;
  nameWidth: number;
}

function entityRows(entity: Entity): { rows: EntityBox["rows"]; more: number } {
  const fks = foreignKeyColumns(entity);
  const keyOf = (name: string) => [entity.primaryKey.includes(name) ? "PK" : "", fks.has(name) ? "FK" : ""].filter(Boolean).join(",");
  const all = entity.columns.map((c) => ({ name: c.name, type: c.type, key: keyOf(c.name), nullable: c.nullable }));
  if (all.length <= ER_MAX_ROWS) return { rows: all, more: 0 };
  // Keys first when cutting: they are what the relationship lines attach to.
  const keep = new Set(all.filter((row) => row.key).slice(0, ER_MAX_ROWS - 1).map((row) => row.name));
  for (const row of all) if (keep.size < ER_MAX_ROWS - 1) keep.add(row.name);
  const rows = all.filter((row) => keep.has(row.name));
  return { rows, more: all.length - rows.length };
}

function entityBox(entity: Entity): EntityBox {
  const { rows, more } = entityRows(entity);
  const nameWidth = Math.max(0, ...rows.map((row) => textWidth(clip(row.name, 28))));
  const typeWidth = Math.max(0, ...rows.map((row) => textWidth(clip(row.type, 22), SMALL_FONT_SIZE)));
  const width = Math.max(
    textWidth(clip(entity.name), FONT_SIZE) + 2 * PADDING,
    PADDING + KEY_WIDTH + nameWidth + 14 + typeWidth + PADDING,
    more > 0 ? textWidth(`… ${more} more columns`, SMALL_FONT_SIZE) + 2 * PADDING : 0,
    120,
  );
  const height = ER_HEADER + Math.max(1, rows.length + (more > 0 ? 1 : 0)) * ER_ROW + 6;
  return { entity, rows, more, nameWidth, x: 0, y: 0, width, height };
}

/** Referenced tables to the left of the tables that reference them: rank = longest FK chain. */
function ranks(entities: readonly Entity[]): Map<string, number> {
  const byName = new Map(entities.map((e) => [e.name, e]));
  const rank = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (name: string): number => {
    const known = rank.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return 0; // a cycle: break it here
    visiting.add(name);
    const parents = byName.get(name)!.foreignKeys.map((fk) => fk.references.entity).filter((p) => p !== name && byName.has(p));
    const value = parents.length === 0 ? 0 : 1 + Math.max(...parents.map(visit));
    visiting.delete(name);
    rank.set(name, value);
    return value;
  };
  for (const entity of entities) visit(entity.name);
  return rank;
}

function layoutEntities(entities: readonly Entity[], rels: readonly Relationship[]): { boxes: Map<string, EntityBox>; width: number; height: number } {
  const rankOf = ranks(entities);
  const maxRank = Math.max(0, ...rankOf.values());
  const boxes = new Map(entities.map((e) => [e.name, entityBox(e)]));
  const order = new Map<string, number>();
  const top = MARGIN;
  let x = MARGIN;
  let bottom = top;
  for (let rank = 0; rank <= maxRank; rank++) {
    // Within a rank, order by where the parents sit, so lines cross less.
    const members = entities
      .filter((e) => rankOf.get(e.name) === rank)
      .map((e) => ({ entity: e, weight: barycenter(e.name, rels, order) }))
      .sort((a, b) => a.weight - b.weight || (a.entity.name < b.entity.name ? -1 : 1));
    let y = top;
    let columnWidth = 0;
    for (const { entity } of members) {
      const box = boxes.get(entity.name)!;
      if (y > top && y + box.height > top + ER_MAX_COLUMN_HEIGHT) {
        x += columnWidth + ER_COLUMN_GAP;
        y = top;
        columnWidth = 0;
      }
      box.x = x;
      box.y = y;
      order.set(entity.name, order.size);
      y += box.height + ROW_GAP * 1.5;
      columnWidth = Math.max(columnWidth, box.width);
      bottom = Math.max(bottom, box.y + box.height);
    }
    x += columnWidth + ER_COLUMN_GAP;
  }
  return { boxes, width: x - ER_COLUMN_GAP + MARGIN, height: bottom + MARGIN };
}

function barycenter(name: string, rels: readonly Relationship[], order: Map<string, number>): number {
  const positions = rels.filter((rel) => rel.from === name && order.has(rel.to)).map((rel) => order.get(rel.to)!);
  return positions.length === 0 ? Number.MAX_SAFE_INTEGER : positions.reduce((a, b) => a + b, 0) / positions.length;
}

function rowY(box: EntityBox, column: string | undefined): number {
  const index = column === undefined ? -1 : box.rows.findIndex((row) => row.name === column);
  return index < 0 ? box.y + ER_HEADER / 2 : box.y + ER_HEADER + index * ER_ROW + ER_ROW / 2 + 2;
}

function erMarkers(id: string): string {
  return [
    "<defs>",
    `<marker id="${id}-many" viewBox="0 0 12 12" refX="12" refY="6" markerWidth="12" markerHeight="12" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path class="marker-line" d="M0,6 L12,0 M0,6 L12,6 M0,6 L12,12"/></marker>`,
    `<marker id="${id}-one" viewBox="0 0 12 12" refX="12" refY="6" markerWidth="12" markerHeight="12" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path class="marker-line" d="M6,0 L6,12"/></marker>`,
    "</defs>",
  ].join("");
}

function relationshipPath(rel: Relationship, boxes: Map<string, EntityBox>): string {
  const child = boxes.get(rel.from)!;
  const parent = boxes.get(rel.to)!;
  const y1 = rowY(child, rel.columns[0]);
  const y2 = rowY(parent, rel.referencedColumns[0] ?? parent.entity.primaryKey[0]);
  if (child === parent) {
    // A self-reference: a loop on the right side from the FK row back to the key row.
    const x = child.x + child.width;
    return `M${r(x)},${r(y1)} C${r(x + 40)},${r(y1)} ${r(x + 40)},${r(y2)} ${r(x)},${r(y2)}`;
  }
  if (parent.x + parent.width <= child.x) return curve(child.x, y1, parent.x + parent.width, y2);
  if (child.x + child.width <= parent.x) return curve(child.x + child.width, y1, parent.x, y2);
  // Same column: leave and enter on the left with a bulge.
  const x = Math.min(child.x, parent.x);
  return `M${r(x)},${r(y1)} C${r(x - 40)},${r(y1)} ${r(x - 40)},${r(y2)} ${r(x)},${r(y2)}`;
}

function entityGroup(box: EntityBox): string {
  const { entity } = box;
  const parts = [
    `<g class="node node-entity" data-entity="${escapeMarkup(entity.name)}">`,
    rect(box, "shape", 4),
    `<path class="entity-header" d="M${r(box.x)},${r(box.y + ER_HEADER)} L${r(box.x + box.width)},${r(box.y + ER_HEADER)}"/>`,
    `<text class="t t-strong" x="${r(box.x + PADDING)}" y="${r(box.y + 17)}">${titled(entity.name, clip(entity.name))}</text>`,
  ];
  box.rows.forEach((row, i) => {
    const baseline = box.y + ER_HEADER + i * ER_ROW + 14;
    const nameX = box.x + PADDING + KEY_WIDTH;
    if (row.key) parts.push(`<text class="t-small t-key" x="${r(box.x + PADDING)}" y="${r(baseline)}">${row.key}</text>`);
    parts.push(`<text class="t${row.nullable ? " t-nullable" : ""}" x="${r(nameX)}" y="${r(baseline)}">${titled(row.name, clip(row.name, 28))}</text>`);
    parts.push(`<text class="t-small t-muted" x="${r(nameX + box.nameWidth + 14)}" y="${r(baseline)}">${titled(row.type, clip(row.type, 22))}</text>`);
  });
  if (box.more > 0) {
    const baseline = box.y + ER_HEADER + box.rows.length * ER_ROW + 14;
    parts.push(`<text class="t-small t-muted" x="${r(box.x + PADDING)}" y="${r(baseline)}">… ${box.more} more columns</text>`);
  }
  parts.push("</g>");
  return parts.join("");
}

function titled(full: string, shown: string): string {
  return shown === full ? escapeMarkup(shown) : `<title>${escapeMarkup(full)}</title>${escapeMarkup(shown)}`;
}

/** The ER diagram; call only with at least one entity (the report says "no entities" otherwise). */
export function erSvg(entities: readonly Entity[], rels: readonly Relationship[], id = "diagram-er"): string {
  const { boxes, width, height } = layoutEntities(entities, rels);
  const hasSelfLoop = rels.some((rel) => rel.from === rel.to);
  const hasSameColumn = rels.some((rel) => rel.from !== rel.to && boxes.get(rel.from)!.x === boxes.get(rel.to)!.x);
  // Room for loops drawn outside the boxes: a bulge left of the first column, right of the last.
  const leftRoom = hasSameColumn ? 44 : 0;
  const rightRoom = hasSelfLoop ? 44 : 0;
  const body: string[] = [erMarkers(id), `<g transform="translate(${leftRoom},0)">`];
  for (const rel of rels) {
    const cls = `edge edge-fk${rel.optional ? " edge-optional" : ""}`;
    const childEnd = rel.oneToOne ? "one" : "many";
    body.push(
      `<path class="${cls}" d="${relationshipPath(rel, boxes)}" marker-start="url(#${id}-${childEnd})" marker-end="url(#${id}-one)"` +
        ` data-from="${escapeMarkup(rel.from)}" data-to="${escapeMarkup(rel.to)}"><title>${escapeMarkup(`${rel.from}.${rel.columns.join(", ")} → ${rel.to}.${rel.referencedColumns.join(", ")}`)}</title></path>`,
    );
  }
  for (const entity of entities) body.push(entityGroup(boxes.get(entity.name)!));
  body.push("</g>");
  return svgDocument(id, "Entity-relationship diagram", width + leftRoom + rightRoom, height, body);
}
