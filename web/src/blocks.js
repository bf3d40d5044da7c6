// The user's manual blocks on the overview: a small form (action, start in hours from now, hours, a target SoC for a
// charge block), the blocks in force with a delete button each, and the blocked slots for the 48-hour chart. Every change
// goes through api/blocks, the same store as the MQTT form; the store asks for a re-plan, whose live event redraws the page.

const actions = ["charge", "discharge", "export", "hold", "water_heater"];

// What the last block change said, and what the form holds; kept across redraws (every live event redraws the page,
// which must not throw away what the user is typing).
let lastSaid = { text: "", error: false };
const form = { action: "charge", startIn: "0", hours: "1", target: "" };

// Per block action, the colour its slots get on the chart.
export const blockColours = {
  charge: "rgba(67, 160, 71, 0.9)",
  discharge: "rgba(30, 136, 229, 0.9)",
  export: "rgba(229, 57, 53, 0.9)",
  hold: "rgba(117, 117, 117, 0.9)",
  water_heater: "rgba(255, 112, 67, 0.9)",
};

/** The chart's marks of the blocks: [from, to, action] in seconds. */
export function blockMarks(blocks) {
  return blocks.map((b) => [Date.parse(b.start) / 1000, Date.parse(b.end) / 1000, b.action]);
}

/**
 * The "Manual blocks" section. `ui` carries the page's helpers (el, api, section, table, words, timeText);
 * `now` is the service's clock in seconds (the simulated home's in serve --simulate, not the browser's).
 */
export function blocksSection(ui, blocks, now) {
  const { el, api, section, table, words, timeText } = ui;
  const slot = 15 * 60;
  const currentSlot = Math.floor(now / slot) * slot;
  const said = el("span", { role: "status", class: lastSaid.error ? "muted error-text" : "muted", id: "block-said" }, lastSaid.text);
  const show = (text, error) => {
    lastSaid = { text, error };
    for (const shown of new Set([said, document.getElementById("block-said")])) {
      if (!shown) continue;
      shown.textContent = text;
      shown.classList.toggle("error-text", error);
    }
  };
  const keep = (key) => (e) => { form[key] = e.target.value; };
  const action = el("select", { id: "block-action", "aria-label": "Block action", onchange: keep("action") },
    actions.map((a) => el("option", { value: a, selected: a === form.action }, words(a))));
  const number = (id, label, key, attributes) => el("input", {
    type: "number", id, "aria-label": label, value: form[key], class: "short", oninput: keep(key), ...attributes,
  });
  const startIn = number("block-start-in", "Starts in (hours)", "startIn", { min: "0", max: "47.75", step: "0.25" });
  const hours = number("block-hours", "Hours", "hours", { min: "0.25", max: "48", step: "0.25" });
  const target = number("block-target", "Target SoC (%), charge only", "target", { min: "0", max: "100", step: "1", placeholder: "SoC %" });
  const add = async () => {
    const body = {
      action: form.action,
      start: new Date((currentSlot + Number(form.startIn || 0) * 3600) * 1000).toISOString(),
      hours: Number(form.hours),
    };
    if (form.target !== "") body.target_soc_percent = Number(form.target);
    try {
      const block = await api("api/blocks", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      show(`added: ${words(block.action)} ${timeText(block.start)}–${timeText(block.end)}`, false);
      document.body.dataset.blocks = String(Number(document.body.dataset.blocks ?? 0) + 1);
    } catch (error) {
      show(error.message, true);
    }
  };
  const remove = async (id) => {
    try {
      await api(`api/blocks/${id}`, { method: "DELETE" });
      show(`block ${id} deleted`, false);
    } catch (error) {
      show(error.message, true);
    }
  };
  const details = (b) => [
    b.target_soc_percent != null ? `to ${b.target_soc_percent} %` : null,
    b.power_kw != null ? `${b.power_kw} kW` : null,
    b.energy_kwh != null ? `${b.energy_kwh} kWh` : null,
  ].filter(Boolean).join(", ") || "–";
  const list = blocks.length === 0
    ? el("p", { class: "muted", id: "blocks-none" }, "No manual block: the planner decides every slot.")
    : table(["Action", "From", "Until", "Details", ""], blocks.map((b) => [
      el("span", { class: "block-swatch", style: `border-color: ${blockColours[b.action]}`, "data-block-id": String(b.id) }, words(b.action)),
      timeText(b.start), timeText(b.end), details(b),
      el("button", { type: "button", "aria-label": `Delete block ${b.id}`, onclick: () => remove(b.id) }, "Delete"),
    ]));
  return section("Manual blocks",
    el("div", { class: "controls" },
      el("label", {}, "Action", action),
      el("label", {}, "Starts in (h)", startIn),
      el("label", {}, "Hours", hours),
      el("label", {}, "Target SoC", target),
      el("button", { type: "button", id: "block-add", "aria-label": "Add block", onclick: add }, "Add block"),
      said),
    el("div", { id: "blocks-list" }, list));
}
