// The car on the overview: a card with what the last plan says of it (plugged in, SoC against its target, departure,
// whether the target is reachable and when it is ready, whether it charges now), and its planned charging for the
// 48-hour chart. Shown only with a car (api/overview's `car`).

/**
 * The "Car" section, or null without a car. `ui` carries the page's helpers (el, section, number, timeText, words).
 */
export function carSection(ui, car) {
  if (!car) return null;
  const { el, section, number, timeText, words } = ui;
  const item = (label, value, id) => el("div", { class: "kpi", id }, el("div", { class: "label" }, label), el("div", { class: "value" }, value));
  const soc = car.soc_percent;
  const target = car.target_soc_percent;
  const reachable = car.state === "unreachable" ? "No"
    : car.state === "planned" || car.state === "ready" ? "Yes"
      : "–";
  const ready = car.state === "ready" ? "Now"
    : car.ready_at ? timeText(car.ready_at)
      : "–";
  // The SoC as a bar, with the target as a mark on it.
  const bar = el("div", {
    class: "car-soc", role: "img",
    "aria-label": `SoC ${soc == null ? "unknown" : `${number(soc, 0)} %`}, target ${target == null ? "unknown" : `${number(target, 0)} %`}`,
  },
  el("div", { class: "car-soc-fill", style: `width: ${Math.max(0, Math.min(100, soc ?? 0))}%` }),
  target == null ? null : el("div", { class: "car-soc-target", style: `left: ${Math.max(0, Math.min(100, target))}%` }));
  const stateClass = car.state === "unreachable" ? "warn" : car.state === "planned" || car.state === "ready" ? "ok" : "";
  return section("Car",
    el("div", { id: "car-card", "data-state": car.state, "data-charging": String(car.charging_now) },
      el("p", { class: "car-headline" },
        el("span", { class: `badge ${stateClass}` }, words(car.state)), " ",
        car.charging_now ? `Charging now at ${number(car.charging_kw, 1)} kW.` : "Not charging now.",
        // The reason says what the figures below do not: why nothing is planned, or why the target is out of reach.
        car.reason && car.state !== "planned" && car.state !== "ready" ? el("span", { class: "muted" }, ` ${car.reason}`) : null),
      bar,
      el("div", { class: "grid" },
        item("Plugged in", car.plugged_in == null ? "–" : car.plugged_in ? "Yes" : "No", "car-plugged-in"),
        item("SoC", soc == null ? "–" : `${number(soc, 0)} %`, "car-soc"),
        item("Target", target == null ? "–" : `${number(target, 0)} %`, "car-target"),
        item("Departure", car.departure ? timeText(car.departure) : "–", "car-departure"),
        item("Target reachable", reachable, "car-reachable"),
        item("Ready at", ready, "car-ready"),
        item("Planned (kWh)", number(car.planned_kwh, 1), "car-planned"))));
}

/** The car's planned charging per slot of the chart (kWh), or null without a car. */
export function carSeries(car, pick, plan) {
  return car ? pick(plan, (s) => s.car_kwh ?? 0) : null;
}
