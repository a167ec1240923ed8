// Overview: readiness and liveness and why, each source's recent accepted and refused requests with the top
// refusal reasons, the consumer groups' lag (hookgate_consumer_group_lag on /metrics), failing subscriptions first.
import {ApiError, plain} from "./api.js";
import {fill, h, table, time} from "./dom.js";
import {failing, stateBadge} from "./subscriptions.js";

const REFRESH_MS = 15000;

export function render(view, ctx) {
  const health = h("div", {class: "panel", id: "overview-health"}, "Reading /health…");
  const sourcesPanel = h("div", {class: "panel", id: "overview-sources"}, "Reading the sources…");
  const lag = h("div", {class: "panel", id: "overview-lag"}, "Reading /metrics…");
  const subs = h("div", {class: "panel", id: "overview-subscriptions"}, "Reading the subscriptions…");
  const refresh = h("button", {type: "button", class: "secondary", onclick: () => load()}, "Refresh");
  view.append(h("div", {class: "row"}, h("h2", {}, "Overview"), refresh,
    h("span", {class: "hint"}, `refreshes every ${REFRESH_MS / 1000} s`)),
  h("div", {class: "grid"}, health, lag), sourcesPanel, subs);

  async function load() {
    await Promise.all([
      showHealth(health), showSources(sourcesPanel, ctx), showLag(lag), showSubscriptions(subs, ctx)]);
  }
  load();
  const timer = setInterval(load, REFRESH_MS);
  return {stop: () => clearInterval(timer)};
}

async function showHealth(panel) {
  try {
    const [ready, live] = await Promise.all([plain("/health/ready"), plain("/health/live")]);
    const kafka = ready.body && ready.body.checks && ready.body.checks.kafka || {};
    fill(panel, h("h3", {}, "Health"),
      h("p", {}, "Ready: ", badge(ready.status === 200, ready.body.status),
        kafka.reason ? h("span", {class: "bad"}, ` ${kafka.reason}`) : null),
      h("p", {}, "Live: ", badge(live.status === 200, live.body.status)),
      h("p", {class: "hint"}, `Kafka ${kafka.status || "?"}, checked ${time(kafka.checkedAt)}`));
  } catch (e) {
    fill(panel, h("h3", {}, "Health"), h("p", {class: "problem"}, `/health could not be read: ${e.message}`));
  }
}

function badge(good, text) {
  return h("span", {class: "badge " + (good ? "ok" : "bad")}, text || (good ? "UP" : "DOWN"));
}

async function showSources(panel, ctx) {
  try {
    const {body} = await ctx.api.get("/api/v1/sources");
    const window = body.items.length ? body.items[0].recent.window : "";
    fill(panel, h("h3", {}, `Sources, last ${humanWindow(window)} on replica ${body.replica}`),
      table([
        ["source", s => h("a", {href: "#sources", "data-source": s.name}, s.name)],
        ["kind", s => s.kind],
        ["accepted", s => kept(s) ? s.recent.accepted : "not kept", "num"],
        ["refused", s => kept(s) ? h("span", {class: s.recent.refused ? "bad" : ""}, s.recent.refused) : "not kept",
          "num"],
        ["top refusals", s => topRefusals(s.recent.refusals)],
      ], body.items, {empty: "No source is configured."}));
  } catch (e) {
    fill(panel, h("h3", {}, "Sources"), problem(e, "the sources API"));
  }
}

/** Whether the gateway keeps recent requests (ingress.recentRequests above 0): else nothing is counted. */
export function kept(source) {
  return source.recent.kept !== false;
}

export function topRefusals(refusals) {
  if (!refusals || !refusals.length) {
    return "";
  }
  return [...refusals].sort((a, b) => b.count - a.count).slice(0, 3)
    .map(r => `${r.status} ${r.problemType.replace("urn:hookgate:problem:", "")} ×${r.count}`).join(", ");
}

function humanWindow(iso) {
  const m = /^PT(\d+)M$/.exec(iso || "");
  return m ? `${m[1]} minutes` : iso || "minutes";
}

/** The problem of a failed read, as a paragraph. */
export function problem(e, what) {
  return h("p", {class: "problem"}, e instanceof ApiError
    ? `${what}: ${e.summary}` : `${what} could not be read: ${e.message}`);
}

/** hookgate_consumer_group_lag{group="..."} value, from the Prometheus text of /metrics. */
export function groupLag(text) {
  const out = [];
  for (const line of text.split("\n")) {
    const m = /^hookgate_consumer_group_lag\{([^}]*)\}\s+(\S+)/.exec(line);
    if (m) {
      const group = /(?:^|,)group="([^"]*)"/.exec(m[1]);
      out.push({group: group ? group[1] : m[1], lag: Number(m[2])});
    }
  }
  return out.sort((a, b) => a.group.localeCompare(b.group));
}

async function showLag(panel) {
  try {
    const metrics = await plain("/metrics");
    fill(panel, h("h3", {}, "Consumer lag"),
      table([
        ["group", g => h("code", {}, g.group)],
        ["records behind", g => Number.isNaN(g.lag) ? "unknown (Kafka cannot be asked)" : g.lag, "num"],
      ], groupLag(String(metrics.body)), {empty: "No consumer group reported yet."}),
      h("p", {class: "hint"}, "hookgate_consumer_group_lag: records past the group's committed offsets."));
  } catch (e) {
    fill(panel, h("h3", {}, "Consumer lag"), h("p", {class: "problem"}, `/metrics could not be read: ${e.message}`));
  }
}

async function showSubscriptions(panel, ctx) {
  try {
    const {body} = await ctx.api.get("/api/v1/subscriptions", {limit: 1000});
    const items = [...body.items].sort((a, b) => Number(failing(b)) - Number(failing(a)) || a.id.localeCompare(b.id));
    fill(panel, h("h3", {}, "Subscriptions, failing first"),
      table([
        ["id", s => h("a", {href: `#subscriptions`, "data-id": s.id}, s.id)],
        ["state", s => stateBadge(s)],
        ["breaker", s => s.breaker || ""],
        ["last call", s => s.lastCall ? `${s.lastCall.statusCode ?? "no answer"} ${time(s.lastCall.date)}` : ""],
        ["last error", s => s.lastError ? `${s.lastError.statusCode ?? ""} ${s.lastError.message || ""} ${
          time(s.lastError.date)}` : ""],
      ], items, {empty: "No subscription yet."}),
      body.nextCursor ? h("p", {class: "hint"}, "More than 1,000: see Subscriptions.") : null);
  } catch (e) {
    fill(panel, h("h3", {}, "Subscriptions"), problem(e, "the subscriptions"));
  }
}
