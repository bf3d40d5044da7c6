// Darkstar's web UI: six pages over the JSON API under api/. Every URL is relative (no leading slash), so the pages
// work under Home Assistant's ingress prefix; nothing is fetched from anywhere but the add-on itself.
import uPlot from "uplot";
import { blockColours, blockMarks, blocksSection } from "./blocks.js";
import { carSection, carSeries } from "./car.js";

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
    scales: { x: marks.time === false ? { time: false } : data[0].length === 1 ? { time: true, range: [data[0][0] - 86400, data[0][0] + 86400] } : { time: true } },
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
        // A user's manual blocks: a strip along the top in the action's colour.
        for (const [from, to, action] of marks.manual ?? []) {
          const left = u.valToPos(from, "x", true);
          const right = u.valToPos(to, "x", true);
          ctx.fillStyle = blockColours[action] ?? css("--muted");
          ctx.fillRect(left, u.bbox.top, Math.max(1, right - left), 8);
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
  const [o, manual] = await Promise.all([api("api/overview"), api("api/blocks")]);
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
        kpi("Action this slot", planNow?.manual_block ? `${words(planNow.action)} (manual block: ${words(planNow.manual_block)})` : words(planNow?.action)),
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
    carSection({ el, section, number, timeText, words }, o.car),
    quickControls(o.controls),
    blocksSection({ el, api, section, table, words, timeText }, manual.blocks, now),
    section("Next 48 hours", energy, socPrice,
      el("p", { class: "legend-note" }, `Bands: p10–p90. Shaded blocks: water heater on. Strip along the top: manual blocks.${o.car ? " Blue steps: the car's planned charging." : ""} Red line: now.`)));

  const blocks = o.plan.slots.filter((s) => s.water_on).map((s) => [seconds(s.slot_start), seconds(s.slot_start) + slotSeconds]);
  const marks = { now, blocks, manual: blockMarks(manual.blocks) };
  // How many of the chart's slots a manual block covers, for the browser test's record.
  energy.dataset.manualSlots = String(xs.filter((t) => manual.blocks.some((b) => t >= seconds(b.start) && t < seconds(b.end))).length);
  // With a car, its planned charging: a filled step line of its own colour, over the battery's and the grid's bars.
  const car = carSeries(o.car, pick, plan);
  energy.dataset.carSlots = String(car ? car.filter((kwh) => kwh > 0.01).length : 0);
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
    ...(car ? [{ label: "Car charging", stroke: css("--car"), fill: "rgba(30,136,229,0.35)", width: 2.5, paths: steps }] : []),
  ], [xs,
    pick(forecasts, (f) => f.load_p10), pick(forecasts, (f) => f.load_p50), pick(forecasts, (f) => f.load_p90),
    pick(forecasts, (f) => f.pv_p10), pick(forecasts, (f) => f.pv_p50), pick(forecasts, (f) => f.pv_p90),
    pick(forecasts, (f) => f.load_actual), pick(forecasts, (f) => f.pv_actual),
    pick(plan, (s) => s.charge_kwh - s.discharge_kwh), pick(plan, (s) => s.import_kwh - s.export_kwh),
    ...(car ? [car] : []),
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

// --- Lab: replays and what-if export studies, run by the service in the background -----------------------------------

// The what-ifs a user understands, as the options file names them; a field left at the value the planner uses now is not sent.
const whatIfFields = [
  ["Battery capacity (kWh)", "battery.capacity_kwh", 0.5],
  ["Max charge (kW)", "battery.max_charge_kw", 0.1],
  ["Max discharge (kW)", "battery.max_discharge_kw", 0.1],
  ["Round-trip efficiency (0–1)", "battery.round_trip_efficiency", 0.01],
  ["Cycle cost per kWh", "battery.cycle_cost_per_kwh", 0.001],
  ["Minimum SoC (%)", "battery.min_soc_percent", 1],
];
const fieldId = (key) => `whatif-${key.replaceAll(".", "-")}`;
const dayBefore = (day) => new Date(Date.parse(`${day}T12:00:00Z`) - 86400000).toISOString().slice(0, 10);

function whatIfSets(now) {
  const sets = [];
  for (const [, key] of whatIfFields) {
    const value = document.getElementById(fieldId(key)).value.trim();
    if (value !== "" && Number(value) !== Number(now[key])) sets.push(`${key}=${value}`);
  }
  const exportAllowed = document.getElementById(fieldId("grid.export_allowed")).checked;
  if (exportAllowed !== Boolean(now["grid.export_allowed"])) sets.push(`grid.export_allowed=${exportAllowed}`);
  return sets;
}

function askedText(run) {
  const r = run.request ?? {};
  const sets = r.set?.length ? `; ${r.set.join(", ")}` : "";
  return run.kind === "replay"
    ? `${r.from}, ${r.days} day${r.days === 1 ? "" : "s"}, ${r.forecasts} forecasts${sets}`
    : `${r.day}: ${(r.kwh ?? []).join(", ")} kWh${r.relaxed ? ", relaxed" : ""}${sets}`;
}

function resultText(run, currency) {
  if (run.status === "running") return `${number((run.progress ?? 0) * 100, 0)} %`;
  if (!run.result) return run.error ?? "–";
  return run.kind === "replay"
    ? `Darkstar ${number(run.result.mpc)} ${currency}, no battery ${number(run.result.no_battery)}, Oracle ${number(run.result.oracle)}`
    : `own plan ${number(run.result.own_plan_cost, 3)} ${currency}; ${run.result.scenarios.length} target${run.result.scenarios.length === 1 ? "" : "s"}`;
}

async function startStudy(path, body, said) {
  said.textContent = "Starting …";
  said.classList.remove("error-text");
  try {
    const run = await api(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    location.hash = `lab?run=${run.id}`;
  } catch (error) {
    said.textContent = error.message;
    said.classList.add("error-text");
  }
}

// The result's own table, named apart from the chart's legend (uPlot draws it as a table too).
const resultTable = (headers, rows) => Object.assign(table(headers, rows), { id: "lab-result-table" });

function labResult(run, currency) {
  const holder = el("section", { "aria-label": "Result", id: "lab-result", "data-run": run.id, "data-status": run.status });
  holder.append(el("h2", {}, `Run ${run.id}: ${run.kind === "replay" ? "replay" : "export study"}`), el("p", { class: "muted" }, askedText(run)));
  if (run.status === "running") {
    holder.append(el("p", {}, el("progress", { id: "lab-progress", max: 1, value: run.progress ?? 0, "aria-label": "Progress" }), " ",
      el("span", { id: "lab-progress-text" }, `${number((run.progress ?? 0) * 100, 0)} %`)));
    return { holder };
  }
  if (!run.result) {
    holder.append(el("p", { class: "error-text" }, `${words(run.status)}: ${run.error ?? "no result"}`));
    return { holder };
  }
  const r = run.result;
  const chartBox = el("div", { class: "chart", id: "chart-lab" });
  if (run.kind === "replay") {
    const kpi = (label, value) => el("div", { class: "kpi" }, el("div", { class: "label" }, label), el("div", { class: "value" }, value));
    holder.append(
      el("div", { class: "grid" },
        kpi(`Darkstar (${currency})`, number(r.mpc)), kpi("No battery", number(r.no_battery)), kpi("Self-use rule", number(r.self_consumption)),
        kpi("Oracle", number(r.oracle)), kpi("Saved vs no battery", number(r.no_battery - r.mpc)), kpi("Plans / fallbacks", `${r.plans} / ${r.fallbacks}`)),
      chartBox,
      resultTable(["Day", "Quality", { label: "No battery", num: 1 }, { label: "Self-use rule", num: 1 }, { label: "Darkstar", num: 1 }, { label: "Oracle", num: 1 }],
        [...r.per_day.map((d) => [d.day, words(d.quality), number(d.no_battery), number(d.self_consumption), number(d.mpc), number(d.oracle)]),
          [el("strong", {}, "Total"), "", number(r.no_battery), number(r.self_consumption), number(r.mpc), number(r.oracle)]]));
    return { holder, draw: () => chart(chartBox, `Cost per day (${currency})`, [
      { label: "Darkstar", stroke: css("--accent"), width: 2 }, { label: "No battery", stroke: css("--grid") },
      { label: "Self-use rule", stroke: css("--pv") }, { label: "Oracle", stroke: css("--soc"), dash: [4, 4] },
    ], [r.per_day.map((d) => Date.parse(`${d.day}T12:00:00`) / 1000), r.per_day.map((d) => d.mpc), r.per_day.map((d) => d.no_battery),
      r.per_day.map((d) => d.self_consumption), r.per_day.map((d) => d.oracle)], [{}, {}]) };
  }
  holder.append(
    el("p", {}, `The planner's own plan of ${r.day} costs ${number(r.own_plan_cost, 3)} ${currency} and exports ${number(r.own_plan_exported_kwh)} kWh${r.relaxed ? " (relaxed: no wear, no cautious export check)" : ""}.`),
    chartBox,
    resultTable([{ label: "Target kWh", num: 1 }, { label: "Slots", num: 1 }, { label: "Exported then (kWh)", num: 1 }, { label: "Day's export (kWh)", num: 1 }, { label: `Cost (${currency})`, num: 1 }, { label: "vs own plan", num: 1 }],
      r.scenarios.map((x) => [number(x.target_kwh, 1), x.slots, number(x.realised_kwh), number(x.exported_kwh), number(x.cost, 3), number(x.vs_own_plan, 3)])));
  return { holder, draw: () => chart(chartBox, "Each target: export reached and what it cost against the planner's own plan", [
    { label: "Target (kWh)", stroke: css("--muted"), dash: [4, 4], scale: "kWh" },
    { label: "Exported then (kWh)", stroke: css("--battery"), fill: "rgba(67,160,71,0.35)", paths: bars, scale: "kWh" },
    { label: `vs own plan (${currency})`, stroke: css("--grid"), width: 2, scale: "cost" },
  ], [r.scenarios.map((_, i) => i + 1), r.scenarios.map((x) => x.target_kwh), r.scenarios.map((x) => x.realised_kwh), r.scenarios.map((x) => x.vs_own_plan)],
  [{ label: "scenario", values: (u, v) => v.map((i) => (Number.isInteger(i) && r.scenarios[i - 1] ? `${r.scenarios[i - 1].target_kwh} kWh` : "")) },
    { scale: "kWh", label: "kWh" }, { scale: "cost", side: 1, label: currency, grid: { show: false } }], { time: false }) };
}

async function lab() {
  const params = new URLSearchParams(location.hash.split("?")[1] ?? "");
  const [info, runs] = await Promise.all([api("api/lab"), api("api/lab/runs")]);
  const chosen = Number(params.get("run") ?? runs[0]?.id ?? 0);
  const selected = runs.find((r) => r.id === chosen);
  const yesterday = dayBefore(info.today);
  const said = el("span", { role: "status", id: "lab-said", class: "muted" });
  const now = info.what_if;

  const whatIf = section("What if",
    el("p", { class: "muted" }, "Both studies run with the settings Darkstar plans with now; change any of them to ask what if."),
    el("div", { class: "controls lab-fields" },
      whatIfFields.map(([label, key, step]) => el("label", {}, label.replace("per kWh", `(${info.currency}/kWh)`),
        el("input", { type: "number", id: fieldId(key), step, min: 0, value: now[key] ?? "", inputmode: "decimal" }))),
      el("label", {}, el("input", { type: "checkbox", id: fieldId("grid.export_allowed"), checked: Boolean(now["grid.export_allowed"]) }), "Export to the grid allowed")));

  const from = el("input", { type: "date", id: "replay-from", value: yesterday, min: info.first_day ?? null, max: yesterday });
  const days = el("input", { type: "number", id: "replay-days", value: 1, min: 1, max: 366, step: 1 });
  const forecasts = el("select", { id: "replay-forecasts" },
    [["stored", "as they were issued"], ["baseline", "7-day baseline"], ["aurora", "Aurora, retrained (slow)"], ["perfect", "perfect (what happened)"]]
      .map(([value, text]) => el("option", { value }, text)));
  const replay = section("Replay days (the Time Machine)",
    el("p", { class: "muted" }, "Darkstar's own days again, planned with only what was known at each moment and carried out against what was measured; each day costed against no battery, the self-use rule and the best possible plan."),
    el("div", { class: "controls" },
      el("label", {}, "From", from), el("label", {}, "Days", days), el("label", {}, "Forecasts", forecasts),
      el("button", { type: "button", id: "lab-start-replay", onclick: () => startStudy("api/lab/replay", { from: from.value, days: Number(days.value), forecasts: forecasts.value, set: whatIfSets(now) }, said) }, "Start replay")));

  const day = el("input", { type: "date", id: "export-day", value: yesterday, min: info.first_day ?? null, max: yesterday });
  const kwh = el("input", { type: "text", id: "export-kwh", value: "1,2,4,8", size: 10, "aria-label": "Export targets in kWh, comma-separated" });
  const relaxed = el("input", { type: "checkbox", id: "export-relaxed" });
  const exportStudy = section("Export study: what if I export X kWh at the day's best prices?",
    el("p", { class: "muted" }, "The day replayed with each target forced into its best-priced slots, against the planner's own plan. Relaxed: no battery wear, no cautious check."),
    el("div", { class: "controls" },
      el("label", {}, "Day", day), el("label", {}, "Targets (kWh)", kwh), el("label", {}, relaxed, "Relaxed"),
      el("button", { type: "button", id: "lab-start-export", onclick: () => startStudy("api/lab/export", { day: day.value, kwh: kwh.value, relaxed: relaxed.checked, set: whatIfSets(now) }, said) }, "Start export study")));

  const running = info.running;
  const status = section("Now", running
    ? el("div", { class: "controls" }, `Run ${running.id} (${running.kind === "replay" ? "replay" : "export study"}) is running.`,
      el("button", { type: "button", id: "lab-cancel", onclick: async () => { try { await api(`api/lab/runs/${running.id}/cancel`, { method: "POST" }); } catch (error) { said.textContent = error.message; } } }, "Cancel"), said)
    : el("p", {}, "Nothing running: one study runs at a time, in the background, at its own pace. ", said));

  const list = section(`Past runs (${runs.length})`, runs.length
    ? table(["Run", "Study", "Asked", "Started", "Status", "Result"], runs.map((r) => [
      el("a", { href: `#lab?run=${r.id}`, "aria-label": `Show run ${r.id}`, "aria-current": r.id === chosen ? "true" : null }, `#${r.id}`),
      r.kind === "replay" ? "replay" : "export", askedText(r), timeText(r.started_at), words(r.status), resultText(r, info.currency)]))
    : el("p", { class: "muted" }, "No study yet."));
  const result = selected ? labResult(selected, info.currency) : null;
  page.replaceChildren(status, whatIf, replay, exportStudy, ...(result ? [result.holder] : []), list);
  result?.draw?.();
}

// --- Shell ----------------------------------------------------------------------------------------------------------

const pages = { overview, forecasts, savings, executor, settings, lab };

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
  events.addEventListener("lab", (message) => {
    const run = JSON.parse(message.data);
    document.body.dataset.lastLab = `${run.id}:${run.status}`;
    if (document.body.dataset.page !== "lab") return;
    const progress = document.getElementById("lab-progress");
    // A step of the run shown: move its bar; anything else (a start, an end) redraws the list and the result.
    if (run.status === "running" && progress && document.getElementById("lab-result")?.dataset.run === String(run.id)) {
      progress.value = run.progress;
      document.getElementById("lab-progress-text").textContent = `${number(run.progress * 100, 0)} %`;
    } else if (run.status !== "running" || !document.getElementById("lab-cancel")) {
      render();
    }
  });
  events.addEventListener("open", () => { document.body.dataset.live = "open"; });
}

window.addEventListener("hashchange", () => { document.body.dataset.ready = ""; render(); });
let resizeTimer;
window.addEventListener("resize", () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(render, 250); });
refreshStatus();
listen();
render();
