// Dead letters: what was given up, newest first (GET /api/v1/dead-letters), and redrive (a job).
import {field, fill, h, table, time} from "./dom.js";
import {problem} from "./overview.js";

export function render(view, ctx) {
  const subscription = h("input", {type: "text", placeholder: "all"});
  const list = h("div", {class: "panel", id: "dead-letters-list"}, "Reading the dead letters…");
  const form = h("form", {class: "row"}, field("dead-letters-subscription", "Subscription", subscription,
    "(empty for every target)"), h("button", {type: "submit"}, "Show"));
  form.addEventListener("submit", e => {
    e.preventDefault();
    load();
  });
  view.append(h("h2", {}, "Dead letters"), form, list);

  async function load() {
    fill(list, "Reading the dead letters…");
    try {
      const {body} = await ctx.api.get("/api/v1/dead-letters", {subscription: subscription.value.trim(), limit: 200});
      fill(list, body.truncated ? h("p", {class: "warn"}, "The list stopped early (too many records): narrow it.")
        : null,
      table([
        ["dead at", d => time(d.deadAt)],
        ["target or subscription", d => d.subscription ? `subscription ${d.subscription}` : d.target],
        ["event", d => [h("code", {}, d.eventId), d.eventType ? ` ${d.eventType}` : ""]],
        ["reason", d => d.reason],
        ["last error", d => `${d.statusCode ?? ""} ${d.lastError || ""}`],
        ["attempts", d => d.attempts, "num"],
        ["redriven", d => d.redrivenBy || ""],
        ["", d => ctx.adminButton("Redrive", () => ctx.act(async () => {
          const request = d.subscription ? {subscription: d.subscription} : {target: d.target};
          const {body: job} = await ctx.api.post("/api/v1/dead-letters/redrive", {...request, ids: [d.id]});
          return `Redrive of ${d.id} started as job ${job.jobId} (${job.status}).`;
        }))],
      ], body.items, {empty: "No dead letter in the last 7 days."}));
    } catch (e) {
      fill(list, problem(e, "the dead letters"));
    }
  }
  load();
}
