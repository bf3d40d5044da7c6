// Darkstar's web UI: five pages over the JSON API under api/. Every URL is relative (no leading slash), so the pages
// work under Home Assistant's ingress prefix; nothing is fetched from anywhere but the add-on itself.
import uPlot from "uplot";

const page = document.getElementById("page");
const badge = document.getElementById("status-badge");
const slotSeconds = 15 * 60;
let charts = [];
let rendering = null;

async function api(path, options) {
  const response = await fetch(path, options);
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new Error(body && body.error ? body.error : `${path}: HTTP ${response.status}`);
  }
  return body;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const number = (value, digits = 2) => (value === null || value === undefined || Number.isNaN(value) ? "–" : Number(value).toFixed(digits));
const seconds = (iso) => Date.parse(iso) / 1000;
const timeText = (iso) => new Date(iso).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
const words = (text) => (text ? String(text).replaceAll("_", " ") : "–");
const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

function table(headers, rows) {
  return el("table", {},
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col", class: h.num ? "num" : null }, h.label ?? h)))),
    el("tbody", {}, rows.map((row) => el("tr", {}, row.map((cell, i) => el("td", { class: headers[i].num ? "num" : null }, cell))))));
}

function section(title, ...children) {
  return el("section", { "aria-label": title }, el("h2", {}, title), ...children);
}

// A chart sized to its container; `marks` draws the "now" line and the water heater's blocks.
function chart(container, title, series, data, axes, marks = {}) {
  const width = Math.max(280, container.clientWidth || page.clientWidth - 40);
  const options = {
    title,
    width,
    height: width < 500 ? 220 : 280,
    series: [{}, ...series],
    axes: axes.map((a) => ({ stroke: css("--fg"), grid: { stroke: css("--line") }, ticks: { stroke: css("--line") }, ...a })),
    // One point alone (a first judged day) would get a span of years: a day either side instead.
    scales: { x: data[0].length === 1 ? { time: true, range: [data[0][0] - 86400, data[0][0] + 86400] } : { time: true } },
    bands: marks.bands ?? [],
    hooks: {
      draw: [(u) => {
        const ctx = u.ctx;
        ctx.save();
        // A dashed series leaves its dash on the context.
        ctx.setLineDash([]);
        for (const [from, to] of marks.blocks ?? []) {
          const left = u.valToPos(from, "x", true);
          const right = u.valToPos(to, "x", true);
          ctx.fillStyle = "rgba(255, 112, 67, 0.15)";
          ctx.fillRect(left, u.bbox.top, Math.max(1, right - left), u.bbox.height);
        }
        if (marks.now) {
          const x = u.valToPos(marks.now, "x", true);
          ctx.strokeStyle = css("--err");
          ctx.lineWidth = 2;
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
        }
        ctx.restore();
      }],
    },
  };
  const plot = new uPlot(options, data, container);
  // When the page became usable, for the browser test's record.
  if (!performance.getEntriesByName("darkstar-first-chart").length) performance.mark("darkstar-first-chart");
  container.dataset.points = String(data[0].length);
  container.dataset.hours = data[0].length ? String((data[0][data[0].length - 1] - data[0][0] + slotSeconds) / 3600) : "0";
  container.setAttribute("role", "img");
  container.setAttribute("aria-label", `${title}: ${data[0].length} points`);
  charts.push(plot);
  return plot;
}

const steps = uPlot.paths.stepped({ align: 1 });
const bars = uPlot.paths.bars({ size: [0.8, 20] });

// --- Controls -------------------------------------------------------------------------------------------------------

// What the last control change said; kept across redraws, since the change itself brings a live event that redraws the page.
let lastSaid = { text: "", error: false };

async function setControl(id, value, said) {
  try {
    await api(`api/controls/${id}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ value }) });
    lastSaid = { text: `${words(id)}: ${value === "PRESS" ? "pressed" : value}`, error: false };
  } catch (error) {
    lastSaid = { text: error.message, error: true };
  }
  // The element shown now: a redraw meanwhile replaced the one the click came from.
  for (const shown of new Set([said, document.getElementById("control-said")])) {
    if (!shown) continue;
    shown.textContent = lastSaid.text;
    shown.classList.toggle("error-text", lastSaid.error);
  }
}

function quickControls(values) {
  const said = el("span", { role: "status", class: lastSaid.error ? "muted error-text" : "muted", id: "control-said" }, lastSaid.text);
  const toggle = (id, label, on) => el("label", {}, el("input", {
    type: "checkbox", id: `control-${id}`, checked: on, "aria-label": label,
    onchange: (e) => setControl(id, e.target.checked ? "ON" : "OFF", said),
  }), label);
  const override = el("select", { id: "control-manual_override", "aria-label": "Manual override", onchange: (e) => setControl("manual_override", e.target.value, said) },
    ["auto", "force_charge", "force_discharge", "hold", "force_export"].map((mode) => el("option", { value: mode, selected: mode === values.manual_override }, words(mode))));
  return section("Quick controls", el("div", { class: "controls" },
    toggle("executor_enabled", "Executor on", values.executor_enabled),
    toggle("shadow_mode", "Shadow mode", values.shadow_mode),
    el("label", {}, "Override", override),
    el("button", { type: "button", id: "control-replan", "aria-label": "Re-plan now", onclick: () => setControl("replan", "PRESS", said) }, "Re-plan now"),
    el("button", { type: "button", id: "control-retrain_aurora", "aria-label": "Retrain Aurora", onclick: () => setControl("retrain_aurora", "PRESS", said) }, "Retrain Aurora"),
    said));
}

// --- Pages ----------------------------------------------------------------------------------------------------------

async function overview() {
  const o = await api("api/overview");
  const now = seconds(o.now);
  const currentSlot = Math.floor(now / slotSeconds) * slotSeconds;
  const start = seconds(o.window.start);
  const end = seconds(o.window.end);
  const xs = [];
  for (let t = start; t < end; t += slotSeconds) xs.push(t);
  const at = (rows, key) => new Map(rows.map((r) => [seconds(r[key]), r]));
  const forecasts = at(o.forecasts.slots, "slot_start");
  const plan = at(o.plan.slots, "slot_start");
  const prices = at(o.prices, "slot_start");
  const pick = (map, f) => xs.map((t) => { const r = map.get(t); const v = r ? f(r) : null; return v === undefined ? null : v; });

  const planNow = plan.get(currentSlot);
  const priceNow = prices.get(currentSlot);
  const measuredSoc = o.forecasts.slots.filter((s) => s.soc_actual !== null).at(-1);
  const status = o.status;
  const yesterday = o.kpi.yesterday;
  const kpi = (label, value) => el("div", { class: "kpi" }, el("div", { class: "label" }, label), el("div", { class: "value" }, value));

  const energy = el("div", { class: "chart", id: "chart-energy" });
  const socPrice = el("div", { class: "chart", id: "chart-soc-price" });
  page.replaceChildren(
    section("Now",
      el("p", {}, el("span", { class: `badge ${status.status}` }, status.status), " ", status.reason ?? "All well."),
      el("div", { class: "grid" },
        kpi("Battery", measuredSoc ? `${number(measuredSoc.soc_actual, 0)} %` : "–"),
        kpi("Mode", words(status.executor?.mode)),
        kpi("Action this slot", words(planNow?.action)),
        kpi(`Price (${o.currency}/kWh)`, number(priceNow?.import_price, 3)))),
    section("Costs",
      el("div", { class: "grid", id: "kpi-strip" },
        kpi("Planned today", number(o.kpi.planned_cost_today)),
        kpi("Yesterday realised", number(yesterday?.realised)),
        kpi("Yesterday no battery", number(yesterday?.no_battery)),
        kpi("Yesterday self-consumption", number(yesterday?.self_consumption)),
        kpi("Yesterday Oracle", number(yesterday?.oracle)),
        kpi("Regret", number(yesterday?.regret)),
        // Only with a peak fee (peak_fee): this period's peak so far and as planned.
        o.kpi.peak_so_far_kw == null ? null : [
          kpi("Peak so far (kW)", number(o.kpi.peak_so_far_kw)),
          kpi("Planned peak (kW)", number(o.kpi.planned_peak_kw))])),
    quickControls(o.controls),
    section("Next 48 hours", energy, socPrice,
      el("p", { class: "legend-note" }, "Bands: p10–p90. Shaded blocks: water heater on. Red line: now.")));

  const blocks = o.plan.slots.filter((s) => s.water_on).map((s) => [seconds(s.slot_start), seconds(s.slot_start) + slotSeconds]);
  const marks = { now, blocks };
  chart(energy, "Energy per slot (kWh)", [
    { label: "Load p10", stroke: "transparent", points: { show: false } },
    { label: "Load p50", stroke: css("--load"), width: 2 },
    { label: "Load p90", stroke: "transparent", points: { show: false } },
    { label: "PV p10", stroke: "transparent", points: { show: false } },
    { label: "PV p50", stroke: css("--pv"), width: 2 },
    { label: "PV p90", stroke: "transparent", points: { show: false } },
    { label: "Load measured", stroke: css("--load"), dash: [4, 4] },
    { label: "PV measured", stroke: css("--pv"), dash: [4, 4] },
    { label: "Battery (+charge)", stroke: css("--battery"), fill: "rgba(67,160,71,0.35)", paths: bars },
    { label: "Grid (+import)", stroke: css("--grid"), fill: "rgba(229,57,53,0.25)", paths: bars },
  ], [xs,
    pick(forecasts, (f) => f.load_p10), pick(forecasts, (f) => f.load_p50), pick(forecasts, (f) => f.load_p90),
    pick(forecasts, (f) => f.pv_p10), pick(forecasts, (f) => f.pv_p50), pick(forecasts, (f) => f.pv_p90),
    pick(forecasts, (f) => f.load_actual), pick(forecasts, (f) => f.pv_actual),
    pick(plan, (s) => s.charge_kwh - s.discharge_kwh), pick(plan, (s) => s.import_kwh - s.export_kwh),
  ], [{}, { label: "kWh" }], { ...marks, bands: [{ series: [3, 1], fill: "rgba(126,87,194,0.18)" }, { series: [6, 4], fill: "rgba(249,168,37,0.22)" }] });

  chart(socPrice, "State of charge and price", [
    { label: `Price (${o.currency}/kWh)`, stroke: css("--price"), paths: steps, scale: "price" },
    { label: "SoC planned (%)", stroke: css("--soc"), width: 2, scale: "%" },
    { label: "SoC measured (%)", stroke: css("--soc"), dash: [2, 4], width: 2, scale: "%" },
  ], [xs,
    pick(prices, (p) => p.import_price), pick(plan, (s) => s.soc_end_percent), pick(forecasts, (f) => f.soc_actual),
  ], [{}, { scale: "price", label: "price" }, { scale: "%", side: 1, label: "%", grid: { show: false } }], marks);
}

async function forecasts() {
  const [evaluation, runs] = await Promise.all([api("api/forecast-evaluation?days=14"), api("api/model-runs")]);
  const dayAhead = evaluation.scores.filter((s) => s.lead === "0-24h");
  const baseline = dayAhead.find((s) => s.version === "baseline_7_day_avg");
  const aurora = dayAhead.filter((s) => s.version.startsWith("aurora")).sort((a, b) => (a.load.mae ?? Infinity) - (b.load.mae ?? Infinity))[0];
  const beats = baseline && aurora && aurora.load.mae !== null && baseline.load.mae !== null && aurora.load.mae < baseline.load.mae;
  const said = el("span", { role: "status", class: "muted" });
  const verdict = beats
    ? el("p", {}, `Over the last 14 days Aurora (${aurora.version}) missed the load by ${number(aurora.load.mae, 3)} kWh per slot on average, the baseline by ${number(baseline.load.mae, 3)}: Aurora is better. `,
      evaluation.active.startsWith("aurora") ? "It is the active version." : el("button", { type: "button", id: "use-aurora", "aria-label": "Use Aurora's forecast", onclick: () => setControl("forecast_version", "aurora", said) }, "Use Aurora"), " ", said)
    : el("p", {}, aurora ? "Aurora has not beaten the 7-day baseline over the last 14 days; the baseline stays the sensible choice." : "Aurora has no scored forecasts yet.");

  const day = el("input", { type: "date", id: "forecast-day", "aria-label": "Day to compare", value: evaluation.to });
  const dayChart = el("div", { class: "chart", id: "chart-forecast-day" });
  const hours = el("div", { class: "chart", id: "chart-mae-hour" });
  const showDay = async () => {
    const from = new Date(`${day.value}T00:00:00`);
    const to = new Date(from.getTime() + 86400000);
    const data = await api(`api/forecasts?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`);
    dayChart.replaceChildren();
    charts = charts.filter((c) => c.root.parentElement !== dayChart);
    const s = data.slots;
    chart(dayChart, `Forecast (${data.version}) against what happened`, [
      { label: "Load p10", stroke: "transparent" }, { label: "Load p50", stroke: css("--load"), width: 2 }, { label: "Load p90", stroke: "transparent" },
      { label: "Load measured", stroke: css("--load"), dash: [4, 4] },
      { label: "PV p10", stroke: "transparent" }, { label: "PV p50", stroke: css("--pv"), width: 2 }, { label: "PV p90", stroke: "transparent" },
      { label: "PV measured", stroke: css("--pv"), dash: [4, 4] },
    ], [s.map((r) => seconds(r.slot_start)),
      s.map((r) => r.load_p10), s.map((r) => r.load_p50), s.map((r) => r.load_p90), s.map((r) => r.load_actual),
      s.map((r) => r.pv_p10), s.map((r) => r.pv_p50), s.map((r) => r.pv_p90), s.map((r) => r.pv_actual),
    ], [{}, { label: "kWh" }], { bands: [{ series: [3, 1], fill: "rgba(126,87,194,0.18)" }, { series: [7, 5], fill: "rgba(249,168,37,0.22)" }] });
  };
  day.addEventListener("change", showDay);

  page.replaceChildren(
    section("Active version", el("p", {}, `Active: ${evaluation.active}`), verdict),
    section("Errors by lead time (last 14 days)", table(
      ["Version", "Lead", { label: "Load MAE", num: 1 }, { label: "Load bias", num: 1 }, { label: "Load p10–p90 coverage", num: 1 }, { label: "PV MAE", num: 1 }, { label: "PV bias", num: 1 }, { label: "PV coverage", num: 1 }],
      evaluation.scores.map((s) => [s.version, s.lead, number(s.load.mae, 3), number(s.load.bias, 3), number(s.load.coverage, 2), number(s.pv.mae, 3), number(s.pv.bias, 3), number(s.pv.coverage, 2)]))),
    section("Load error by hour of day (0–24 h lead)", hours),
    section("Forecast against actual", el("label", {}, "Day", day), dayChart),
    section("Model runs", table(["Version", "Target", "Trained", "Status", "Window"],
      runs.map((r) => [r.version, r.target, timeText(r.trained_at), words(r.status), `${timeText(r.window_start)} – ${timeText(r.window_end)}`]))));

  const hourXs = [...Array(24).keys()];
  chart(hours, "Load MAE by hour (kWh)", dayAhead.map((s, i) => ({ label: s.version, stroke: [css("--load"), css("--pv"), css("--soc"), css("--grid")][i % 4], width: 2 })),
    [hourXs, ...dayAhead.map((s) => hourXs.map((h) => s.load_mae_by_hour[h] ?? null))], [{ label: "hour", values: (u, v) => v }, { label: "kWh" }]);
  hours.firstChild && (charts.at(-1).scales.x.time = false);
  await showDay();
}

// Only days whose realised cost was measured count: a day the service saw in part has none, and saved nothing known.
function savedText(rows, currency) {
  if (!rows.length) return "No day judged yet: the Oracle judges each day 30 minutes after midnight.";
  const measured = rows.filter((r) => r.day.realised != null && r.day.no_battery != null).length;
  if (!measured) return `No day with a measured cost yet (${rows.length} judged by the Oracle only).`;
  return `Saved ${number(rows.at(-1).cumulative_savings)} ${currency} against no battery over ${measured} day${measured === 1 ? "" : "s"} with a measured cost.`;
}

async function savings() {
  const days = Number(new URLSearchParams(location.hash.split("?")[1] ?? "").get("days") ?? 30);
  const costs = await api(`api/costs?days=${days}`);
  const choose = el("select", { id: "savings-days", "aria-label": "Days shown", onchange: (e) => { location.hash = `savings?days=${e.target.value}`; } },
    [30, 90].map((d) => el("option", { value: d, selected: d === days }, `${d} days`)));
  const perDay = el("div", { class: "chart", id: "chart-costs" });
  const cumulative = el("div", { class: "chart", id: "chart-savings" });
  const rows = costs.days;
  page.replaceChildren(
    section("Savings", el("label", {}, "Show", choose),
      el("p", {}, savedText(rows, costs.currency))),
    section("Cost per day", perDay),
    section("Cumulative savings", cumulative),
    section("Days", table(["Day", { label: "Realised", num: 1 }, { label: "No battery", num: 1 }, { label: "Self-use rule", num: 1 }, { label: "Oracle", num: 1 }, { label: "Regret", num: 1 }],
      rows.map((r) => [el("time", { datetime: r.day.day }, new Date(`${r.day.day}T12:00:00`).toLocaleDateString([], { month: "short", day: "numeric" })), number(r.day.realised), number(r.day.no_battery), number(r.day.self_consumption), number(r.day.oracle), number(r.day.regret)]))));
  const xs = rows.map((r) => Date.parse(`${r.day.day}T12:00:00`) / 1000);
  chart(perDay, `Cost per day (${costs.currency})`, [
    { label: "Realised", stroke: css("--accent"), width: 2 }, { label: "No battery", stroke: css("--grid") },
    { label: "Self-consumption", stroke: css("--pv") }, { label: "Oracle", stroke: css("--soc"), dash: [4, 4] },
  ], [xs, rows.map((r) => r.day.realised), rows.map((r) => r.day.no_battery), rows.map((r) => r.day.self_consumption), rows.map((r) => r.day.oracle)], [{}, {}]);
  chart(cumulative, `Cumulative savings against no battery (${costs.currency})`, [{ label: "Saved", stroke: css("--battery"), fill: "rgba(67,160,71,0.2)", width: 2 }],
    [xs, rows.map((r) => r.cumulative_savings)], [{}, {}]);
}

async function executor() {
  const filter = new URLSearchParams(location.hash.split("?")[1] ?? "").get("filter") ?? "all";
  // The service's clock, not the browser's: a simulated home runs on its own.
  const status = await api("api/status");
  const now = Date.parse(status.now);
  const from = new Date(now - 2 * 86400000).toISOString();
  const span = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(new Date(now + 3600000).toISOString())}`;
  const [log, episodes] = await Promise.all([api(`api/execution?filter=${filter}&${span}`), api(`api/safe-mode?${span}`)]);
  const choose = el("select", { id: "execution-filter", "aria-label": "Rows shown", onchange: (e) => { location.hash = `executor?filter=${e.target.value}`; } },
    ["all", "commanded", "failed", "shadow"].map((f) => el("option", { value: f, selected: f === filter }, f)));
  const fallbacks = log.filter((r) => r.error);
  page.replaceChildren(
    section("Executor",
      el("div", { class: "grid" },
        el("div", { class: "kpi" }, el("div", { class: "label" }, "Mode"), el("div", { class: "value" }, words(status.executor?.mode))),
        el("div", { class: "kpi" }, el("div", { class: "label" }, "Override"), el("div", { class: "value" }, words(status.executor?.override))),
        el("div", { class: "kpi" }, el("div", { class: "label" }, "Shadow"), el("div", { class: "value" }, status.executor?.shadow ? "on" : "off")),
        el("div", { class: "kpi" }, el("div", { class: "label" }, "Commands sent / failed"), el("div", { class: "value" }, `${status.commands_sent} / ${status.commands_failed}`))),
      el("p", {}, status.reason ? `Degraded: ${status.reason}` : "No fallback in force.")),
    section(`Safe mode (${episodes.length})`, episodes.length
      ? table(["From", "Until", { label: "Minutes", num: 1 }, "Why"], episodes.map((e) => [timeText(e.from), e.until ? timeText(e.until) : "still in force",
        number(((e.until ? Date.parse(e.until) : now) - Date.parse(e.from)) / 60000, 0), e.reason ?? "–"]))
      : el("p", { class: "muted" }, "The executor has not fallen back to safe mode in the last two days.")),
    section(`Problems (${fallbacks.length})`, fallbacks.length ? table(["At", "Error"], fallbacks.map((r) => [timeText(r.executed_at), r.error])) : el("p", { class: "muted" }, "None in the last two days.")),
    section("Execution log", el("label", {}, "Show", choose), table(
      ["At", "Slot", "Planned", "Commanded", "Entity", "Value", "OK", "Shadow", "Override"],
      log.slice(0, 500).map((r) => [timeText(r.executed_at), timeText(r.slot_start), words(r.planned_action), words(r.commanded_action), r.entity_id ?? (r.mode ? `mode: ${words(r.mode)}` : "–"), r.value ?? "–", r.success ? "yes" : "no", r.shadow ? "yes" : "no", words(r.override_mode)]))));
}

async function settings() {
  const [s, quality] = await Promise.all([api("api/settings"), api("api/data-quality?days=14")]);
  page.replaceChildren(
    section("Diagnostics", el("p", {}, "A zip of the recent log, the options with secrets masked, the latest plans and the versions, for a bug report."),
      el("a", { href: "api/diagnostics", download: "darkstar-diagnostics.zip", id: "diagnostics", role: "button" }, "Download diagnostics")),
    section("Versions", table(["Component", "Version"], Object.entries(s.versions))),
    section("Database", el("p", {}, `${(s.database.bytes / 1048576).toFixed(1)} MB`),
      table(["Table", { label: "Rows", num: 1 }], Object.entries(s.database.rows).map(([t, n]) => [t, n.toLocaleString()]))),
    section("Data quality (14 days)", table(["Day", "Status", { label: "Observed", num: 1 }, { label: "Expected", num: 1 }, { label: "Flagged", num: 1 }, "Reason"],
      quality.map((d) => [d.day, words(d.status), d.observed_slot_count, d.expected_slot_count, d.flagged_slot_count, d.reason ?? ""]))),
    section("Effective options (secrets masked)", el("pre", {}, JSON.stringify(s.options, null, 2))));
}

// --- Shell ----------------------------------------------------------------------------------------------------------

const pages = { overview, forecasts, savings, executor, settings };

async function render() {
  const name = (location.hash.slice(1).split("?")[0] || "overview");
  const show = pages[name] ?? overview;
  for (const link of document.querySelectorAll("nav a")) {
    link.toggleAttribute("aria-current", link.getAttribute("href") === `#${name}`);
    if (link.hasAttribute("aria-current")) link.setAttribute("aria-current", "page");
  }
  const run = (async () => {
    for (const c of charts) c.destroy();
    charts = [];
    try {
      await show();
      document.body.dataset.page = name;
    } catch (error) {
      page.replaceChildren(el("p", { class: "error-text", role: "alert" }, `Could not load this page: ${error.message}`));
    }
  })();
  rendering = run;
  await run;
  if (rendering === run) document.body.dataset.ready = name;
}

async function refreshStatus() {
  try {
    const status = await api("api/status");
    badge.textContent = status.status;
    badge.className = `badge ${status.status}`;
    badge.title = status.reason ?? "";
  } catch (error) {
    badge.textContent = "offline";
    badge.className = "badge error";
  }
}

function listen() {
  const events = new EventSource("api/events");
  let count = 0;
  const onEvent = (name) => () => {
    document.body.dataset.events = String(++count);
    document.body.dataset.lastEvent = name;
    refreshStatus();
    if ((document.body.dataset.page ?? "overview") === "overview") render();
  };
  events.addEventListener("plan", onEvent("plan"));
  events.addEventListener("status", onEvent("status"));
  events.addEventListener("forecast", onEvent("forecast"));
  events.addEventListener("open", () => { document.body.dataset.live = "open"; });
}

window.addEventListener("hashchange", () => { document.body.dataset.ready = ""; render(); });
let resizeTimer;
window.addEventListener("resize", () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(render, 250); });
refreshStatus();
listen();
render();
