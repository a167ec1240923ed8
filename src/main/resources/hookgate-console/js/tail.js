// Live tail: GET /api/v1/events/stream as an EventSource (the token as access_token, the one operation that takes
// it so), filtered by source, project and type; pause and resume the view; an event's canonical JSON and the
// original payload (data.original) on a click.
import {field, fill, h, pretty, time} from "./dom.js";

const KEEP = 200;

export function render(view, ctx) {
  const source = h("input", {type: "text", placeholder: "any"});
  const project = h("input", {type: "text", placeholder: "any"});
  const type = h("input", {type: "text", placeholder: "labeling.label.*"});
  const status = h("span", {id: "tail-status", class: "badge"}, "not connected");
  const list = h("ol", {class: "tail-list", id: "tail-events", reversed: true});
  const detail = h("div", {id: "tail-detail"});
  const pause = h("button", {type: "button", class: "secondary", id: "tail-pause", disabled: true}, "Pause view");
  const form = h("form", {class: "row"},
    field("tail-source", "Source", source), field("tail-project", "Project", project),
    field("tail-type", "Type", type, "exact or prefix.*"),
    h("button", {type: "submit", id: "tail-connect"}, "Connect"), pause,
    h("button", {type: "button", class: "secondary", onclick: () => list.replaceChildren()}, "Clear"), status);
  view.append(h("h2", {}, "Live tail"), form,
    h("div", {class: "split"}, h("div", {class: "panel"}, h("h3", {}, "Events, newest first"), list),
      h("div", {}, detail)));

  let stream = null;
  let paused = false;
  let held = [];

  const setStatus = (text, cls) => {
    status.textContent = text;
    status.className = `badge ${cls || ""}`;
  };
  const show = event => {
    const item = h("li", {}, h("button", {type: "button", class: "event", "data-event-id": event.id,
      onclick: () => inspect(detail, event)}, `${time(event.time)} ${event.type}`),
    ` ${event.data && event.data.source || event.source} `,
    event.data && event.data.projectId ? h("span", {class: "muted"}, `project ${event.data.projectId} `) : null,
    h("code", {}, event.id));
    list.prepend(item);
    while (list.children.length > KEEP) {
      list.lastElementChild.remove();
    }
  };
  const close = () => {
    if (stream) {
      stream.close();
      stream = null;
    }
  };
  const url = () => {
    const u = new URL("/api/v1/events/stream", window.location.origin);
    for (const [name, input] of Object.entries({source, project, type})) {
      if (input.value.trim()) {
        u.searchParams.set(name, input.value.trim());
      }
    }
    u.searchParams.set("access_token", ctx.token);
    return u;
  };
  form.addEventListener("submit", e => {
    e.preventDefault();
    close();
    const u = url();
    setStatus("connecting…");
    stream = new EventSource(u);
    stream.onopen = () => {
      setStatus("live", "ok");
      pause.disabled = false;
      ctx.ok("Live tail connected: events show as they are written.");
    };
    stream.onmessage = m => {
      if (!m.data) {
        return;
      }
      const event = JSON.parse(m.data);
      if (paused) {
        held.push(event);
        fill(pause, `Resume view (${held.length} waiting)`);
      } else {
        show(event);
      }
    };
    stream.addEventListener("too-slow", () => setStatus("reconnecting (too slow)", "warn"));
    stream.onerror = () => {
      if (stream && stream.readyState === EventSource.CLOSED) {
        close();
        setStatus("closed", "bad");
        explain(u, ctx);
      } else {
        setStatus("reconnecting…", "warn");
      }
    };
  });
  pause.addEventListener("click", () => {
    paused = !paused;
    if (!paused) {
      held.forEach(show);
      held = [];
    }
    fill(pause, paused ? "Resume view" : "Pause view");
    setStatus(paused ? "live, view paused" : "live", paused ? "warn" : "ok");
  });
  return {stop: close};
}

/** An EventSource does not say why it closed: ask the same URL once, and show the problem's detail. */
async function explain(u, ctx) {
  const abort = new AbortController();
  try {
    const response = await fetch(u, {signal: abort.signal, cache: "no-store"});
    if (response.ok) {
      ctx.fail("The live tail closed; connect again.");
    } else {
      const text = await response.text();
      let detail = text;
      try {
        detail = JSON.parse(text).detail;
      } catch {
        // not a problem document: its text is the detail
      }
      ctx.fail(`Live tail refused: ${response.status} ${detail}`);
    }
  } catch (e) {
    ctx.fail(`The live tail closed: ${e.message}`);
  } finally {
    abort.abort();
  }
}

function inspect(panel, event) {
  const original = event.data ? event.data.original : undefined;
  fill(panel, h("div", {class: "panel", id: "tail-event"},
    h("h3", {tabindex: -1}, `Event ${event.id}`),
    h("h3", {}, "Canonical event (CloudEvent JSON)"), h("pre", {id: "tail-canonical"}, pretty(event)),
    h("h3", {}, "Original payload"), h("pre", {id: "tail-original"},
      original === undefined ? "none" : typeof original === "string" ? original : pretty(original))));
  panel.querySelector("h3").focus();
}
