// The console's shell: sign-in (the token in sessionStorage only), the views by URL hash, the outcome bar.
import {Api, ApiError, roleOf} from "./api.js";
import {h} from "./dom.js";
import * as overview from "./overview.js";
import * as sources from "./sources.js";
import * as subscriptions from "./subscriptions.js";
import * as deadLetters from "./dead-letters.js";
import * as tail from "./tail.js";

const SESSION_KEY = "hookgate.console.session";
const VIEWS = {"overview": overview, "sources": sources, "subscriptions": subscriptions, "dead-letters": deadLetters,
  "tail": tail};
const $ = id => document.getElementById(id);

let session = null;
let current = null;

function readSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY));
    return s && s.token && s.role ? s : null;
  } catch {
    return null;
  }
}

/** Shows what an action did, or the problem's detail when it was refused. */
function outcome(message, kind = "ok") {
  const bar = $("outcome");
  bar.className = kind;
  bar.textContent = message;
}

function context() {
  const admin = session.role === "admin";
  return {
    api: new Api(session.token),
    token: session.token,
    role: session.role,
    admin,
    ok: message => outcome(message, "ok"),
    fail: error => outcome(error instanceof ApiError ? error.summary : String(error.message || error), "error"),
    /** A button for an admin operation: disabled for a viewer (the API would refuse it anyway). */
    adminButton(label, onclick, attrs = {}) {
      return h("button", {type: "button", ...attrs, disabled: !admin || attrs.disabled,
        title: admin ? attrs.title : "needs the admin role", onclick}, label);
    },
    /** Runs an action: its message on success, the problem's detail on a refusal. */
    async act(run) {
      try {
        const message = await run();
        if (message) {
          outcome(message, "ok");
        }
        return true;
      } catch (e) {
        outcome(e instanceof ApiError ? e.summary : String(e.message || e), "error");
        return false;
      }
    },
  };
}

function show() {
  const signedIn = session !== null;
  $("sign-in").hidden = signedIn;
  $("nav").hidden = !signedIn;
  $("who").hidden = !signedIn;
  $("view").hidden = !signedIn;
  if (current && current.stop) {
    current.stop();
  }
  current = null;
  if (!signedIn) {
    $("token").focus();
    return;
  }
  const role = $("role");
  role.textContent = `signed in: ${session.role}`;
  role.className = "badge " + (session.role === "admin" ? "warn" : "ok");
  const name = VIEWS[location.hash.slice(1)] ? location.hash.slice(1) : "overview";
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.getAttribute("href") === "#" + name) {
      link.setAttribute("aria-current", "page");
    } else {
      link.removeAttribute("aria-current");
    }
  }
  const view = $("view");
  view.replaceChildren();
  view.dataset.view = name;
  current = VIEWS[name].render(view, context()) || null;
}

async function signIn(event) {
  event.preventDefault();
  const token = $("token").value.trim();
  const button = $("sign-in-button");
  button.disabled = true;
  try {
    const role = await roleOf(new Api(token));
    session = {token, role};
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    $("token").value = "";
    outcome(`Signed in with a ${role} token.`);
    show();
  } catch (e) {
    outcome(e instanceof ApiError ? e.summary : String(e.message || e), "error");
  } finally {
    button.disabled = false;
  }
}

function signOut() {
  sessionStorage.removeItem(SESSION_KEY);
  session = null;
  outcome("Signed out: the token is forgotten.");
  show();
}

document.addEventListener("DOMContentLoaded", () => {
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
  window.addEventListener("hashchange", show);
  session = readSession();
  show();
});
