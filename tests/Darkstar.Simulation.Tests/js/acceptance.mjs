// Drives the simulated home with Home Assistant's own client library (the one its frontend uses) and
// prints one JSON summary line. Usage: node acceptance.mjs <base url> <token> <statistics start ISO>
import WebSocket from "ws";
import {
  callService,
  createConnection,
  createLongLivedTokenAuth,
  getStates,
  subscribeEntities,
} from "home-assistant-js-websocket";

// Node 20 has no global WebSocket; the library opens its socket through this one.
globalThis.WebSocket = WebSocket;

const [baseUrl, token, statisticsStart] = process.argv.slice(2);
const workMode = "select.darkstar_sim_work_mode";
const pvEnergy = "sensor.darkstar_sim_pv_energy";

function within(ms, promise, what) {
  return Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)),
  ]);
}

const auth = createLongLivedTokenAuth(baseUrl.replace(/\/$/, ""), token);
const conn = await within(10000, createConnection({ auth }), "the connection");
const summary = { haVersion: conn.haVersion };

const states = await within(10000, getStates(conn), "get_states");
summary.stateCount = states.length;
summary.socUnit = states.find((s) => s.entity_id === "sensor.darkstar_sim_battery_soc")?.attributes.unit_of_measurement;

let latest = {};
let resolveHold;
const holdSeen = new Promise((resolve) => (resolveHold = resolve));
let firstEntityCount;
const unsubscribe = subscribeEntities(conn, (entities) => {
  latest = entities;
  firstEntityCount ??= Object.keys(entities).length;
  if (entities[workMode]?.state === "Hold") resolveHold();
});
await within(10000, new Promise((resolve) => {
  const poll = setInterval(() => {
    if (firstEntityCount !== undefined) { clearInterval(poll); resolve(); }
  }, 20);
}), "subscribe_entities' first message");
summary.entityCount = firstEntityCount;
summary.workModeBefore = latest[workMode]?.state;

const serviceResult = await within(10000, callService(conn, "select", "select_option", { option: "Hold" }, { entity_id: workMode }), "call_service");
summary.serviceContextId = serviceResult?.context?.id ?? null;
await within(10000, holdSeen, "the work mode change through subscribe_entities");
summary.workModeAfter = latest[workMode].state;
summary.workModeOptions = latest[workMode].attributes.options;
unsubscribe();

const statistics = await within(10000, conn.sendMessagePromise({
  type: "recorder/statistics_during_period",
  start_time: statisticsStart,
  statistic_ids: [pvEnergy],
  period: "hour",
  types: ["change", "sum"],
}), "statistics_during_period");
const rows = statistics[pvEnergy] ?? [];
summary.statisticsRows = rows.length;
summary.statisticsFirstStart = rows[0]?.start ?? null;
summary.statisticsChangeTotal = rows.reduce((total, row) => total + (row.change ?? 0), 0);

conn.close();
console.log(JSON.stringify(summary));
