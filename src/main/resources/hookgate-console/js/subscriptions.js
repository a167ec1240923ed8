// Subscriptions: the list with state, last call, last error and breaker; create and edit with a dry-run of the
// filter on recent events (POST /api/v1/rules/test) before saving; pause and resume, test, rotate the secret;
// the attempts with their excerpts and resend; recover since a time, counted by a dry run first.
import {field, fill, h, pretty, table, time, uid} from "./dom.js";
import {problem} from "./overview.js";

const BASE = "/api/v1/subscriptions";
const NONE = "(none)";

/** Whether a subscription is failing now: disabled, its breaker not closed, or its last call an error. */
export function failing(s) {
  if (s.state && s.state.status === "disabled") {
    return true;
  }
  if (s.breaker && s.breaker !== "closed") {
    return true;
  }
  return Boolean(s.lastError && (!s.lastCall || s.lastError.date >= s.lastCall.date));
}

export function stateBadge(s) {
  const status = s.state ? s.state.status : "?";
  const cls = status === "active" ? (failing(s) ? "bad" : "ok") : status === "paused" ? "warn" : "bad";
  return h("span", {class: `badge ${cls}`, "data-state": status}, status + (failing(s) && status === "active"
    ? " (failing)" : ""));
}

export function render(view, ctx) {
  const list = h("div", {class: "panel", id: "subscriptions-list"}, "Reading the subscriptions…");
  const detail = h("div", {id: "subscription-detail"});
  const editor = h("div", {id: "subscription-editor"});
  const page = {ctx, list, detail, editor, selected: null};
  view.append(h("div", {class: "row"}, h("h2", {}, "Subscriptions"),
    ctx.adminButton("New subscription", () => edit(page, null), {id: "new-subscription"}),
    h("button", {type: "button", class: "secondary", onclick: () => reload(page)}, "Refresh")),
  list, editor, detail);
  reload(page);
}

async function reload(page) {
  const {ctx, list} = page;
  try {
    const items = [];
    let cursor;
    do {
      const {body} = await ctx.api.get(BASE, {limit: 1000, cursor});
      items.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor && items.length < 5000);
    fill(list, table([
      ["id", s => h("button", {type: "button", class: "secondary", "data-open": s.id,
        onclick: () => open(page, s.id)}, s.id)],
      ["url", s => h("span", {class: "mono"}, s.url)],
      ["state", s => stateBadge(s)],
      ["breaker", s => s.breaker || ""],
      ["last call", s => s.lastCall ? `${s.lastCall.statusCode ?? "no answer"} ${time(s.lastCall.date)}` : ""],
      ["last error", s => s.lastError ? `${s.lastError.statusCode ?? ""} ${s.lastError.message || ""}` : ""],
    ], items, {empty: "No subscription yet.", rowAttrs: s => ({"data-id": s.id,
      class: s.id === page.selected ? "selected" : null})}));
  } catch (e) {
    fill(list, problem(e, "the subscriptions"));
  }
}

async function open(page, id, note) {
  const {ctx, detail} = page;
  page.selected = id;
  fill(detail, h("div", {class: "panel"}, `Reading ${id}…`));
  let s;
  let etag;
  try {
    const answer = await ctx.api.get(`${BASE}/${encodeURIComponent(id)}`);
    s = answer.body;
    etag = answer.etag;
  } catch (e) {
    fill(detail, h("div", {class: "panel"}, problem(e, id)));
    return;
  }
  const path = `${BASE}/${encodeURIComponent(id)}`;
  const result = h("div", {id: "subscription-result", "aria-live": "polite"});
  const paused = s.state.status === "paused";
  const reason = h("input", {type: "text", placeholder: "receiver maintenance until 14:00"});
  const after = async message => {
    await Promise.all([reload(page), open(page, id)]);
    return message;
  };
  const actions = h("div", {class: "row"},
    ctx.adminButton("Edit", () => edit(page, s, etag), {id: "edit-subscription"}),
    paused
      ? ctx.adminButton("Resume", () => ctx.act(async () => {
        await ctx.api.post(`${path}/resume`, undefined, {"If-Match": etag});
        return after(`Resumed ${id}: what was kept while paused is delivered first.`);
      }), {id: "resume-subscription"})
      : [field(uid("pause-reason"), "Pause reason", reason, "(optional)"),
        ctx.adminButton("Pause", () => ctx.act(async () => {
          await ctx.api.post(`${path}/pause`, reason.value.trim() ? {reason: reason.value.trim()} : {},
            {"If-Match": etag});
          return after(`Paused ${id}: what it matches meanwhile is kept, not sent.`);
        }), {id: "pause-subscription"})],
    ctx.adminButton("Send a test event", () => ctx.act(async () => {
      fill(result, "Sending a test event…");
      const {body} = await ctx.api.post(`${path}/test`);
      // Shown above the subscription read again, whose last call and attempts now have the test.
      reload(page);
      await open(page, id, h("div", {class: "panel", id: "test-result"}, h("h3", {}, "Test delivery"),
        body.error ? h("p", {class: "bad"}, `No answer: ${body.error}`)
          : h("p", {}, "The receiver answered ", h("strong", {class: body.statusCode < 300 ? "ok" : "bad"},
            String(body.statusCode)), ` in ${body.latencyMs} ms`),
        body.body ? h("pre", {}, body.body) : null));
      return body.error ? `Test of ${id}: no answer (${body.error})`
        : `Test of ${id}: the receiver answered ${body.statusCode} in ${body.latencyMs} ms.`;
    }), {id: "test-subscription"}),
    ctx.adminButton("Rotate the signing secret", () => ctx.act(async () => {
      const {body} = await ctx.api.post(`${path}/secret/rotate`, undefined, {"If-Match": etag});
      await open(page, id, h("div", {class: "panel"}, h("h3", {}, "New signing secret"),
        h("pre", {}, body.signingSecret),
        h("p", {class: "hint"}, `The previous one keeps signing until ${time(body.previous.length
          ? body.previous[body.previous.length - 1].expiresAt : "")}.`)));
      return `Rotated the signing secret of ${id}.`;
    }), {id: "rotate-secret"}));
  const state = s.state;
  fill(detail, h("div", {class: "panel", "data-id": id},
    h("h3", {}, `Subscription ${id}`),
    note || null,
    h("dl", {},
      dt("URL", h("span", {class: "mono"}, s.url)),
      s.description ? dt("Description", s.description) : null,
      dt("State", stateBadge(s), state.reason ? ` ${state.reason}` : "", state.since ? ` since ${time(state.since)}` : "",
        state.waiting ? `, ${state.waiting} waiting` : "", state.warning ? h("span", {class: "bad"}, ` ${state.warning}`) : ""),
      dt("Filter", h("code", {}, JSON.stringify(s.filter))),
      dt("Format", s.format),
      dt("Headers", Object.keys(s.headers).join(", ") || "none"),
      dt("Last call", s.lastCall ? `${s.lastCall.statusCode ?? "no answer"} ${s.lastCall.message || ""} ${
        time(s.lastCall.date)}` : "none yet"),
      dt("Last error", s.lastError ? [`${s.lastError.statusCode ?? ""} ${s.lastError.message || ""} ${
        time(s.lastError.date)}`, s.lastError.body !== undefined ? h("pre", {}, typeof s.lastError.body === "string"
        ? s.lastError.body : pretty(s.lastError.body)) : null] : "none"),
      dt("Breaker", s.breaker || "unknown"),
      dt("Counts", s.counts ? Object.entries(s.counts).map(([k, v]) => `${k} ${v}`).join(", ") : ""),
      dt("Revision", `${s.revision}, updated ${time(s.updatedAt)}`)),
    actions, result),
  recoverPanel(ctx, path, id),
  attemptsPanel(ctx, path, id));
}

function dt(term, ...value) {
  return [h("dt", {}, term), h("dd", {}, ...value)];
}

function attemptsPanel(ctx, path, id) {
  const panel = h("div", {class: "panel", id: "attempts"}, h("h3", {}, "Recent attempts"), "Reading…");
  const load = async () => {
    try {
      const {body} = await ctx.api.get(`${path}/attempts`, {limit: 20});
      fill(panel, h("div", {class: "row"}, h("h3", {}, "Recent attempts, newest first"),
        h("button", {type: "button", class: "secondary", onclick: load}, "Refresh attempts")),
      table([
        ["at", a => time(a.at)],
        ["outcome", a => a.outcome],
        ["attempt", a => a.attempt, "num"],
        ["status", a => a.statusCode ?? "", "num"],
        ["ms", a => a.latencyMs ?? "", "num"],
        ["request and response", a => h("details", {},
          h("summary", {}, `${a.method || ""} ${a.url || ""}`),
          h("pre", {}, Object.entries(a.requestHeaders || {}).map(([k, v]) => `${k}: ${v}`).join("\n")),
          a.body ? h("pre", {}, a.body) : null,
          a.error ? h("p", {class: "bad"}, a.error) : null)],
        ["", a => a.outcome === "test" ? "" : ctx.adminButton("Resend", () => ctx.act(async () => {
          const {body: sent} = await ctx.api.post(`${path}/attempts/${encodeURIComponent(a.id)}/resend`);
          return `Resend of event ${sent.eventId} to ${id} queued (action ${sent.actionId}); its outcome shows here.`;
        }))],
      ], body.items, {empty: "No attempt yet."}));
    } catch (e) {
      fill(panel, h("h3", {}, "Recent attempts"), problem(e, "the attempts"));
    }
  };
  load();
  return panel;
}

function recoverPanel(ctx, path, id) {
  const since = h("input", {type: "datetime-local", step: 1, required: true});
  const until = h("input", {type: "datetime-local", step: 1});
  const onlyFailed = h("input", {type: "checkbox"});
  const onlyFailedId = uid("only-failed");
  onlyFailed.id = onlyFailedId;
  const counted = h("div", {"aria-live": "polite"});
  const body = () => {
    if (!since.value) {
      throw new Error("give the time to recover since");
    }
    const out = {since: new Date(since.value).toISOString(), onlyFailed: onlyFailed.checked};
    if (until.value) {
      out.until = new Date(until.value).toISOString();
    }
    return out;
  };
  const start = ctx.adminButton("Recover", () => ctx.act(async () => {
    const {body: job} = await ctx.api.post(`${path}/recover`, body());
    const status = h("span", {}, job.status);
    fill(counted, h("p", {}, `Job ${job.jobId}: `, status, " ",
      h("button", {type: "button", class: "secondary", onclick: () => ctx.act(async () => {
        const {body: now} = await ctx.api.get(`/api/v1/jobs/${encodeURIComponent(job.jobId)}`);
        fill(status, `${now.status}, ${now.progress ? now.progress.sent : 0} sent${now.error ? `: ${now.error}` : ""}`);
      })}, "Job progress")));
    start.disabled = true;
    return `Recover of ${id} started as job ${job.jobId}.`;
  }), {disabled: true});
  const dryRun = ctx.adminButton("Count (dry run)", () => ctx.act(async () => {
    const {body: count} = await ctx.api.post(`${path}/recover`, {...body(), dryRun: true});
    fill(counted, h("p", {}, `It would deliver ${count.count} event(s) again`,
      count.sample && count.sample.length ? `; first: ${count.sample.slice(0, 5).join(", ")}` : "", "."));
    start.disabled = !ctx.admin || count.count === 0;
    fill(start, `Recover ${count.count} deliveries`);
    return `Dry run of the recover of ${id}: ${count.count} event(s).`;
  }));
  for (const input of [since, until, onlyFailed]) {
    input.addEventListener("change", () => {
      start.disabled = true;
      fill(start, "Recover");
    });
  }
  return h("div", {class: "panel", id: "recover"}, h("h3", {}, "Recover since a time"),
    h("p", {class: "hint"}, "Delivers again, in order, the events of the time range its filter matches (same ids and"
      + " idempotency keys). Count them first."),
    h("div", {class: "row"}, field(uid("since"), "Since (local time)", since),
      field(uid("until"), "Until", until, "(now when empty)"),
      h("div", {class: "field"}, h("label", {for: onlyFailedId}, onlyFailed, " only those given up")),
      dryRun, start), counted);
}

function listText(list) {
  if (list === undefined || list === null) {
    return "";
  }
  return list.length ? list.join(", ") : NONE;
}

function listValue(text) {
  const t = text.trim();
  if (!t) {
    return undefined;
  }
  if (t === NONE) {
    return [];
  }
  return t.split(",").map(x => x.trim()).filter(Boolean);
}

/** The editor for a new subscription (s null) or for s at revision etag. */
function edit(page, s, etag) {
  const {ctx, editor} = page;
  const f = s ? s.filter || {} : {};
  const url = h("input", {type: "url", required: true, value: s ? s.url : "", size: 60});
  const description = h("input", {type: "text", value: s && s.description ? s.description : "", size: 60});
  const sources = h("input", {type: "text", value: listText(f.sources)});
  const projects = h("input", {type: "text", value: listText(f.projects)});
  const batches = h("input", {type: "text", value: listText(f.batches)});
  const types = h("input", {type: "text", value: listText(f.types)});
  const match = h("textarea", {rows: 2}, f.match || "");
  const format = h("select", {}, ["cloudevents", "original"].map(v => h("option",
    {value: v, selected: (s ? s.format : "cloudevents") === v}, v)));
  const headers = h("textarea", {rows: 3}, s ? Object.keys(s.headers).map(k => `${k}: ****`).join("\n") : "");
  const dry = h("div", {id: "filter-dry-run", "aria-live": "polite"});
  const listHint = `comma-separated; empty for all, ${NONE} for none`;

  const filter = () => {
    const out = {};
    const lists = {sources, projects, batches, types};
    for (const [name, input] of Object.entries(lists)) {
      const v = listValue(input.value);
      if (v !== undefined) {
        out[name] = v;
      }
    }
    if (match.value.trim()) {
      out.match = match.value.trim();
    }
    return out;
  };
  const headerMap = () => {
    const out = {};
    for (const line of headers.value.split("\n").map(l => l.trim()).filter(Boolean)) {
      const colon = line.indexOf(":");
      if (colon <= 0) {
        throw new Error(`a header line is "Name: value": ${line}`);
      }
      const value = line.slice(colon + 1).trim();
      if (value === "****") {
        throw new Error(`enter the value of ${line.slice(0, colon).trim()} again (values are never shown), `
          + "or remove its line to drop it");
      }
      out[line.slice(0, colon).trim()] = value;
    }
    return out;
  };
  const form = h("form", {class: "panel", id: "subscription-form"},
    h("h3", {}, s ? `Edit ${s.id} (revision ${s.revision})` : "New subscription"),
    h("div", {class: "stack"},
      field(uid("url"), "URL", url, "the receiver, http(s)"),
      field(uid("description"), "Description", description),
      field(uid("sources"), "Sources", sources, listHint),
      field(uid("projects"), "Projects", projects, listHint),
      field(uid("batches"), "Batches", batches, listHint),
      field(uid("types"), "Types", types, `${listHint}; a prefix ends in .*`),
      field(uid("match"), "CEL match", match, "over event, a boolean (optional)"),
      field(uid("format"), "Format", format),
      field(uid("headers"), "Headers", headers, "one \"Name: value\" a line, sent with every delivery")),
    h("div", {class: "row"},
      h("button", {type: "button", class: "secondary", id: "dry-run-filter", onclick: () => ctx.act(async () => {
        const {body} = await ctx.api.post("/api/v1/rules/test", {filter: filter(), last: 20});
        fill(dry, h("p", {}, `${body.matched.length} of the last ${body.checked} event(s) match`
          + ` (${body.scanned} records read).`),
        table([
          ["event", r => h("code", {}, r.id)],
          ["type", r => r.type],
          ["source", r => r.source],
          ["project", r => r.project ?? ""],
          ["time", r => time(r.time)],
          ["match", r => r.matched ? h("strong", {class: "ok"}, "yes")
            : h("span", {class: "muted"}, r.refusedBy ? `no (${r.refusedBy})` : r.error || "no")],
        ], body.results, {empty: "No recent event to try it on."}));
        return `Dry run: ${body.matched.length} of ${body.checked} recent events match the filter.`;
      })}, "Dry-run the filter on recent events"),
      ctx.adminButton(s ? "Save" : "Create", null, {type: "submit", id: "save-subscription"}),
      h("button", {type: "button", class: "secondary", onclick: () => editor.replaceChildren()}, "Cancel")),
    dry);
  form.addEventListener("submit", e => {
    e.preventDefault();
    ctx.act(async () => {
      const body = {url: url.value.trim(), filter: filter(), format: format.value, headers: headerMap()};
      if (description.value.trim()) {
        body.description = description.value.trim();
      }
      if (s) {
        // A replacement resets what it leaves out: the delivery settings the console does not edit go back as they are.
        for (const key of ["active", "timeout", "rateLimit", "concurrency", "retry"]) {
          body[key] = s[key];
        }
        await ctx.api.put(`${BASE}/${encodeURIComponent(s.id)}`, body, {"If-Match": etag});
        editor.replaceChildren();
        await Promise.all([reload(page), open(page, s.id)]);
        return `Saved ${s.id}.`;
      }
      const {body: created} = await ctx.api.post(BASE, body);
      editor.replaceChildren();
      await Promise.all([reload(page), open(page, created.id, h("div", {class: "panel"},
        h("h3", {}, "Signing secret (shown once)"), h("pre", {}, created.signingSecret),
        h("p", {class: "hint"}, "Give it to the receiver to verify the webhook-signature header.")))]);
      return `Created ${created.id}.`;
    });
  });
  fill(editor, form);
  url.focus();
}
