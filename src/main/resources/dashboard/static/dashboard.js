// irls-streams dashboard: plain JavaScript and SVG, no build step. Reads the HTTP API of the
// instance that serves it (relative URLs, so it also works behind a path prefix):
//   models?q=&sort=&order=&offset=&limit=N  one page of the table of models, searched and sorted
//                                           by the server (there may be 100,000 models)
//   models/{key}/history?limit=N            the trajectories of the chosen key
// The chosen key is the ?model= query parameter (the first model when absent); the table's search,
// sort and page are kept in ?q=, ?sort=, ?order= and ?offset=. Every chart that has drawn data
// carries data-points="N"; the body carries data-rendered-model="key".
"use strict";

const REFRESH_MS = 3000;
const HISTORY_LIMIT = 200;
const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 250;
const Z_975 = 1.959963984540054;
const SVG_NS = "http://www.w3.org/2000/svg";
const BAD = new Set(["NON_FINITE"]);

const params = new URLSearchParams(window.location.search);
let selected = params.get("model");

/** The order a column is first sorted in: keys A to Z, every other column largest first. */
function firstOrder(sort) {
  return sort === "key" ? "asc" : "desc";
}

/** The sorts GET /models knows, one per sortable column header. */
const SORTS = Array.from(document.querySelectorAll("#model-table th[data-sort]"), (th) => th.dataset.sort);
const askedSort = SORTS.includes(params.get("sort")) ? params.get("sort") : "key";

/** The table's search, sort and page, as GET /models takes them (an address naming none known gets the default). */
const table = {
  q: params.get("q") || "",
  sort: askedSort,
  order: ["asc", "desc"].includes(params.get("order")) ? params.get("order") : firstOrder(askedSort),
  offset: Math.max(0, parseInt(params.get("offset"), 10) || 0),
};

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

async function getJson(url) {
  const response = await fetch(url, { cache: "no-store" });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.status + " " + url);
  return body;
}

function statusClass(status) {
  if (status === "OK") return "ok";
  return BAD.has(status) ? "bad" : "warn";
}

function fmt(v) {
  if (v === null || v === undefined || !isFinite(v)) return "–";
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e5) return String(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toFixed(a < 1 ? 3 : 2);
}

/** About n round tick values covering [lo, hi]. */
function ticks(lo, hi, n) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

/** An empty chart frame with scales for x in [x0, x1] and y in [y0, y1]; no y axis when height < 100. */
function frame(title, x0, x1, y0, y1, kind, height) {
  const W = 360, H = height || 160, L = 44, R = 8, T = 20, B = 22;
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart " + kind, role: "img", "aria-label": title });
  const sx = (x) => L + (x1 > x0 ? (x - x0) / (x1 - x0) : 0.5) * (W - L - R);
  const sy = (y) => T + (y1 > y0 ? (y1 - y) / (y1 - y0) : 0.5) * (H - T - B);
  root.appendChild(svg("text", { x: L, y: 13, class: "title" }, title));
  for (const t of H < 100 ? [] : ticks(y0, y1, 4)) {
    root.appendChild(svg("line", { x1: L, x2: W - R, y1: sy(t), y2: sy(t), class: "axis" }));
    root.appendChild(svg("text", { x: L - 4, y: sy(t) + 3, "text-anchor": "end" }, fmt(t)));
  }
  for (const t of H < 100 ? [] : ticks(x0, x1, 5).filter((v) => Number.isInteger(v))) {
    root.appendChild(svg("text", { x: sx(t), y: H - 6, "text-anchor": "middle" }, String(t)));
  }
  return { root, sx, sy, L, R, T, B, W, H };
}

/**
 * A trajectory over versions: the one routine of every chart over versions. o.pts are the points
 * [{v, y, lo?, hi?}] (finite values only); a band joins lo and hi when the points have them; o.zone
 * {lo, hi, cls} shades a strip across the chart; o.refs [{y, cls}] are horizontal lines, drawn when
 * inside the y range; o.marks [{v, text}] are vertical lines of class drift-mark. o.include holds y
 * values the range must show; o.x0 and o.x1 the versions it spans (the points' by default); o.attrs
 * more attributes of the svg; o.lineClass the line's class ("line" by default).
 */
function trajectoryChart(o) {
  const pts = o.pts, include = o.include || [];
  const lows = pts.map((p) => p.lo ?? p.y), highs = pts.map((p) => p.hi ?? p.y);
  let y0 = Math.min(...lows, ...include), y1 = Math.max(...highs, ...include);
  if (!(y1 > y0)) { y0 -= 1; y1 += 1; }
  const pad = (y1 - y0) * 0.05;
  const x0 = o.x0 ?? (pts.length ? pts[0].v : 0), x1 = o.x1 ?? (pts.length ? pts[pts.length - 1].v : 1);
  const f = frame(o.title, x0, x1, y0 - pad, y1 + pad, o.kind);
  for (const [k, v] of Object.entries(o.attrs || {})) f.root.setAttribute(k, v);
  f.root.setAttribute("data-points", String(pts.length));
  if (o.zone) {
    f.root.appendChild(svg("rect", { x: f.L, y: f.sy(o.zone.hi), width: f.W - f.R - f.L,
      height: f.sy(o.zone.lo) - f.sy(o.zone.hi), class: o.zone.cls }));
  }
  for (const r of o.refs || []) {
    if (y0 - pad < r.y && y1 + pad > r.y) {
      f.root.appendChild(svg("line", { x1: f.L, x2: f.W - f.R, y1: f.sy(r.y), y2: f.sy(r.y), class: r.cls }));
    }
  }
  if (pts.length > 0) {
    if (pts[0].lo !== undefined) {
      const upper = pts.map((p, i) => `${f.sx(p.v).toFixed(1)},${f.sy(highs[i]).toFixed(1)}`);
      const lower = pts.map((p, i) => `${f.sx(p.v).toFixed(1)},${f.sy(lows[i]).toFixed(1)}`).reverse();
      f.root.appendChild(svg("path", { d: "M" + upper.join("L") + "L" + lower.join("L") + "Z", class: "band" }));
    }
    const line = pts.map((p) => `${f.sx(p.v).toFixed(1)},${f.sy(p.y).toFixed(1)}`);
    f.root.appendChild(svg("path", { d: "M" + line.join("L") + (pts.length === 1 ? "h0.1" : ""),
      class: o.lineClass || "line" }));
  }
  for (const m of o.marks || []) {
    const mark = svg("line", { x1: f.sx(m.v), x2: f.sx(m.v), y1: f.T, y2: f.H - f.B, class: "drift-mark",
      "data-version": String(m.v) });
    mark.appendChild(svg("title", {}, m.text));
    f.root.appendChild(mark);
  }
  return f.root;
}

function coefficientChart(updates, j) {
  const name = updates[updates.length - 1].feature_names[j] || "x" + j;
  const pts = updates
    .filter((u) => finite(u.coefficients[j]) && finite(u.std_errors[j]))
    .map((u) => ({ v: u.version, y: u.coefficients[j], lo: u.coefficients[j] - Z_975 * u.std_errors[j],
      hi: u.coefficients[j] + Z_975 * u.std_errors[j] }));
  const last = pts[pts.length - 1];
  const title = last ? `${name}  ${fmt(last.y)}  [${fmt(last.lo)}, ${fmt(last.hi)}]` : name;
  return trajectoryChart({ title, kind: "coefficient", pts, attrs: { "data-name": name },
    refs: [{ y: 0, cls: "zero" }] });
}

/** A weighted count for a title: whole numbers are enough there. */
function count(v) {
  return finite(v) ? Math.round(v).toLocaleString("en") : "–";
}

function finite(v) {
  return v !== null && v !== undefined && isFinite(v);
}

/**
 * The progressive validation of each update over versions (its window scored by the model before
 * it learned from it): log-loss, calibration as observed / expected positives, and logloss_z in the
 * strip of +-3 with the drift threshold. Each drift-suspected version is marked on all three.
 * For tests: each chart carries data-quality="logloss|calibration|logloss_z"; a mark is a line of
 * class drift-mark with data-version="V"; the logloss_z chart also says data-threshold="T" (absent
 * when the server did not say) and data-drift-versions="V1,V2,...".
 */
function qualityCharts(updates, threshold) {
  const x0 = updates[0].version, x1 = updates[updates.length - 1].version;
  const drifted = updates.filter((u) => u.drift_suspected);
  const marks = drifted.map((u) => ({ v: u.version,
    text: `version ${u.version}: drift suspected, logloss_z ${fmt(u.logloss_z)}` }));
  const series = (value) => updates.map((u) => ({ v: u.version, y: value(u) })).filter((p) => finite(p.y));
  const chart = (quality, title, pts, more) => trajectoryChart(Object.assign({ title, kind: "quality " + quality,
    pts, x0, x1, marks, lineClass: "line quality", attrs: { "data-quality": quality } }, more));
  const last = (pts) => (pts.length ? fmt(pts[pts.length - 1].y) : "–");

  const logloss = series((u) => u.progressive_logloss);
  const ratio = series((u) => (u.expected_positives > 0 && finite(u.observed_positives)
    ? u.observed_positives / u.expected_positives : null));
  const lastUpdate = updates[updates.length - 1];
  const z = series((u) => u.logloss_z);
  const known = finite(threshold);
  const zChart = chart("logloss_z",
    `logloss_z ${last(z)}  (±3 shaded` + (known ? `; drift above ${fmt(threshold)})` : ")"), z,
    { zone: { lo: -3, hi: 3, cls: "zone" }, include: known ? [-3, 3, threshold] : [-3, 3],
      refs: [{ y: 0, cls: "zero" }].concat(known ? [{ y: threshold, cls: "threshold" }] : []) });
  if (known) zChart.setAttribute("data-threshold", String(threshold));
  zChart.setAttribute("data-drift-versions", drifted.map((u) => u.version).join(","));
  return [
    chart("logloss", `progressive log-loss ${last(logloss)}`, logloss),
    chart("calibration", `observed / expected ${last(ratio)}  (${count(lastUpdate.observed_positives)}`
      + ` / ${count(lastUpdate.expected_positives)})`, ratio, { include: [1], refs: [{ y: 1, cls: "zero" }] }),
    zChart,
  ];
}

function eventsChart(updates) {
  const x0 = updates[0].version - 0.5, x1 = updates[updates.length - 1].version + 0.5;
  const y1 = Math.max(1, ...updates.map((u) => u.window_events));
  const f = frame(`events per window (last ${updates[updates.length - 1].window_events})`,
    x0, x1, 0, y1 * 1.05, "events");
  f.root.setAttribute("data-points", String(updates.length));
  const w = Math.max(1, (f.sx(x1) - f.sx(x0)) / updates.length - 1);
  for (const u of updates) {
    f.root.appendChild(svg("rect", { x: f.sx(u.version) - w / 2, y: f.sy(u.window_events), width: w,
      height: f.sy(0) - f.sy(u.window_events), class: "bar" }));
  }
  return f.root;
}

function statusChart(updates) {
  const x0 = updates[0].version - 0.5, x1 = updates[updates.length - 1].version + 0.5;
  const counts = {};
  for (const u of updates) counts[u.status] = (counts[u.status] || 0) + 1;
  const summary = Object.entries(counts).map(([s, n]) => `${s} ${n}`).join(", ");
  const f = frame(`status of each step: ${summary}`, x0, x1, 0, 1, "statuses", 70);
  f.root.setAttribute("data-points", String(updates.length));
  const w = Math.max(1, (f.sx(x1) - f.sx(x0)) / updates.length);
  for (const u of updates) {
    const cls = u.status === "OK" ? "st-OK" : BAD.has(u.status) ? "st-bad" : "st-other";
    const rect = svg("rect", { x: f.sx(u.version) - w / 2, y: 24, width: w, height: 28, class: cls });
    rect.appendChild(svg("title", {}, `version ${u.version}: ${u.status}${u.status_reason ? " — " + u.status_reason : ""}`));
    f.root.appendChild(rect);
  }
  f.root.appendChild(svg("text", { x: f.L, y: 66 }, `versions ${updates[0].version}–${updates[updates.length - 1].version}`));
  return f.root;
}

function modelsUrl() {
  const query = new URLSearchParams({ offset: table.offset, limit: PAGE_SIZE, sort: table.sort, order: table.order });
  if (table.q) query.set("q", table.q);
  return "models?" + query;
}

/** The page of the table; back to the last page when the models it showed are gone. */
async function loadModels() {
  const list = await getJson(modelsUrl());
  if (list.models.length > 0 || table.offset === 0) return list;
  table.offset = Math.max(0, Math.floor((list.total - 1) / PAGE_SIZE) * PAGE_SIZE);
  keepInUrl();
  return getJson(modelsUrl());
}

/** The drift z-score of the model's last window, blank when the summary has none. */
function lastZ(m) {
  const z = m.last_logloss_z;
  return typeof z === "number" && isFinite(z) ? z.toFixed(2) : "";
}

function renderModels(list) {
  const tbody = document.querySelector("#model-table tbody");
  tbody.replaceChildren();
  for (const th of document.querySelectorAll("#model-table th[data-sort]")) {
    if (th.dataset.sort === table.sort) th.setAttribute("aria-sort", table.order === "asc" ? "ascending" : "descending");
    else th.removeAttribute("aria-sort");
  }
  for (const m of list.models) {
    const tr = el("tr", { "data-model": m.model });
    if (m.model === selected) tr.className = "selected";
    const link = el("a", { href: "?model=" + encodeURIComponent(m.model) }, m.model);
    const name = el("td");
    name.appendChild(link);
    tr.appendChild(name);
    tr.appendChild(el("td", { class: "num" }, String(m.version)));
    tr.appendChild(el("td", { class: "num" }, m.events_total.toLocaleString("en")));
    const st = el("td");
    st.appendChild(el("span", { class: "pill " + statusClass(m.status) }, m.status));
    tr.appendChild(st);
    tr.appendChild(el("td", { class: "num z" }, lastZ(m)));
    tr.addEventListener("click", () => choose(m.model));
    tbody.appendChild(tr);
  }
  const total = list.total.toLocaleString("en");
  const matching = table.q ? ` matching “${table.q}”` : "";
  document.getElementById("models-note").textContent =
    list.total === 0 ? (table.q ? `No model key contains “${table.q}”.` : "No models yet: waiting for the first closed window.") :
      list.models.length === 0 ? `none of ${total} model(s)${matching} on this page` :
        `${(list.offset + 1).toLocaleString("en")}–${(list.offset + list.models.length).toLocaleString("en")}`
          + ` of ${total} model(s)${matching}; click one to see its trajectory.`;
  document.getElementById("models-prev").disabled = table.offset === 0;
  document.getElementById("models-next").disabled = !list.next;
}

function renderDetail(key, history) {
  document.getElementById("detail-title").textContent = key;
  const updates = history.updates;
  const status = document.getElementById("status");
  const charts = document.getElementById("charts");
  const events = document.getElementById("events");
  const statuses = document.getElementById("statuses");
  const quality = document.getElementById("quality");
  status.replaceChildren();
  charts.replaceChildren();
  quality.replaceChildren();
  events.replaceChildren();
  statuses.replaceChildren();
  if (updates.length === 0) {
    status.appendChild(el("p", { class: "muted" }, "No update yet: the first window has not closed."));
    return;
  }
  const last = updates[updates.length - 1];
  const line = el("p");
  line.appendChild(el("span", { class: "pill " + statusClass(last.status), id: "current-status" }, last.status));
  if (last.drift_suspected) {
    line.appendChild(document.createTextNode(" "));
    line.appendChild(el("span", { class: "pill bad", id: "current-drift" }, "drift suspected"));
  }
  line.appendChild(document.createTextNode(
    `  version ${last.version}, ${last.events_total.toLocaleString("en")} events, logloss_z ${fmt(last.logloss_z)};`
    + ` showing the last ${updates.length} update(s)`));
  status.appendChild(line);
  if (last.status_reason) status.appendChild(el("p", { class: "muted" }, last.status_reason));
  for (let j = 0; j < last.coefficients.length; j++) charts.appendChild(coefficientChart(updates, j));
  for (const chart of qualityCharts(updates, history.drift_z_threshold)) quality.appendChild(chart);
  events.appendChild(eventsChart(updates));
  statuses.appendChild(statusChart(updates));
  document.body.setAttribute("data-rendered-model", key);
  document.body.setAttribute("data-history-points", String(updates.length));
}

/** Keeps the chosen model and the table's search, sort and page in the address, defaults left out. */
function keepInUrl() {
  const url = new URL(window.location.href);
  const set = (name, value, fallback) => {
    if (value && value !== fallback) url.searchParams.set(name, value);
    else url.searchParams.delete(name);
  };
  set("model", selected, "");
  set("q", table.q, "");
  set("sort", table.sort, "key");
  set("order", table.order, firstOrder(table.sort));
  set("offset", String(table.offset), "0");
  window.history.replaceState(null, "", url);
}

function choose(key) {
  selected = key;
  keepInUrl();
  refresh();
}

/** Shows another page, search or order of the table, from its first row unless paging. */
function showModels(change) {
  Object.assign(table, change);
  keepInUrl();
  refresh();
}

function sortBy(sort) {
  const order = sort === table.sort ? (table.order === "asc" ? "desc" : "asc") : firstOrder(sort);
  showModels({ sort, order, offset: 0 });
}

let timer = null;
// A refresh started later (a click while one is loading) wins: the earlier one stops drawing.
let generation = 0;
async function refresh() {
  clearTimeout(timer);
  const current = ++generation;
  const error = document.getElementById("error");
  try {
    const health = await fetch("health", { cache: "no-store" }).then((r) => r.json());
    const pill = document.getElementById("health");
    pill.textContent = health.state;
    pill.className = "pill " + (health.ready ? "ok" : "warn");
    const list = await loadModels();
    if (current !== generation) return;
    if (!selected && list.models.length > 0) selected = list.models[0].model;
    renderModels(list);
    if (selected) {
      const history = await getJson("models/" + encodeURIComponent(selected) + "/history?limit=" + HISTORY_LIMIT);
      if (current !== generation) return;
      renderDetail(selected, history);
    }
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString("en-GB");
    error.hidden = true;
  } catch (e) {
    if (current !== generation) return;
    error.textContent = "Cannot load: " + e.message;
    error.hidden = false;
  }
  timer = setTimeout(refresh, REFRESH_MS);
}

for (const th of document.querySelectorAll("#model-table th[data-sort]")) {
  th.addEventListener("click", () => sortBy(th.dataset.sort));
}
document.getElementById("models-prev").addEventListener("click",
  () => showModels({ offset: Math.max(0, table.offset - PAGE_SIZE) }));
document.getElementById("models-next").addEventListener("click",
  () => showModels({ offset: table.offset + PAGE_SIZE }));
const search = document.getElementById("model-search");
search.value = table.q;
let searchTimer = null;
search.addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => showModels({ q: search.value.trim(), offset: 0 }), SEARCH_DELAY_MS);
});

refresh();
