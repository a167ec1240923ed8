// Sources: the recent requests of a source (GET /api/v1/sources/{name}/requests): status, authentication outcome,
// problem, and the event each became.
import {field, fill, h, table, time} from "./dom.js";
import {kept, problem, topRefusals} from "./overview.js";

export function render(view, ctx) {
  const list = h("div", {class: "panel", id: "sources-list"}, "Reading the sources…");
  const name = h("input", {type: "text", placeholder: "kili", required: true});
  const requests = h("div", {class: "panel", id: "source-requests"},
    h("p", {class: "empty"}, "Choose a source to see its recent requests."));
  const form = h("form", {class: "row"}, field("source-name", "Source", name),
    h("button", {type: "submit"}, "Show requests"));
  form.addEventListener("submit", e => {
    e.preventDefault();
    showRequests(requests, ctx, name.value.trim());
  });
  view.append(h("h2", {}, "Sources"), list, form, requests);

  ctx.api.get("/api/v1/sources").then(({body}) => {
    fill(list, table([
      ["source", s => h("button", {type: "button", class: "secondary", onclick: () => {
        name.value = s.name;
        showRequests(requests, ctx, s.name);
      }}, s.name)],
      ["kind", s => s.kind],
      ["authentication", s => s.authType || ""],
      ["accepted", s => kept(s) ? s.recent.accepted : "not kept", "num"],
      ["refused", s => kept(s) ? s.recent.refused : "not kept", "num"],
      ["top refusals", s => topRefusals(s.recent.refusals)],
    ], body.items, {empty: "No source is configured."}));
  }).catch(e => fill(list, problem(e, "the sources API")));
}

async function showRequests(panel, ctx, source) {
  if (!source) {
    return;
  }
  fill(panel, `Reading the requests of ${source}…`);
  try {
    const {body} = await ctx.api.get(`/api/v1/sources/${encodeURIComponent(source)}/requests`, {limit: 50});
    fill(panel, h("h3", {}, `Recent requests of ${body.source} on replica ${body.replica}, newest first`),
      table([
        ["received", r => time(r.receivedAt)],
        ["status", r => h("span", {class: r.status >= 400 ? "bad" : "ok"}, r.status), "num"],
        ["auth", r => h("span", {class: r.auth === "refused" ? "bad" : ""}, r.auth,
          r.authReason ? ` (${r.authReason})` : "")],
        ["problem", r => r.problemType ? [h("code", {}, r.problemType.replace("urn:hookgate:problem:", "")),
          r.detail ? ` ${r.detail}` : ""] : ""],
        ["event", r => r.eventId ? h("code", {}, r.eventId) : ""],
        ["from", r => r.remoteAddress || ""],
        ["bytes", r => r.bodyBytes, "num"],
        ["request", r => h("details", {}, h("summary", {}, `${r.method} ${r.path}`),
          h("pre", {}, Object.entries(r.headers || {}).map(([k, v]) => `${k}: ${v}`).join("\n")))],
      ], body.items, {empty: "No request in the recent window."}));
  } catch (e) {
    fill(panel, problem(e, `the requests of ${source}`));
  }
}
