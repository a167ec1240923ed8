// Building elements from data, never from HTML strings: every value is text, so nothing an event carries can run.

/** An element: h("button", {type: "button", onclick: f}, "Pause"). Attributes starting with "on" are listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "class") {
      el.className = value;
    } else if (value === true) {
      el.setAttribute(name, "");
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A table of rows; columns are [header, row => cell content] pairs. */
export function table(columns, rows, {empty = "Nothing yet.", rowAttrs} = {}) {
  if (!rows.length) {
    return h("p", {class: "empty"}, empty);
  }
  return h("table", {},
    h("thead", {}, h("tr", {}, columns.map(([title]) => h("th", {scope: "col"}, title)))),
    h("tbody", {}, rows.map(row => h("tr", rowAttrs ? rowAttrs(row) : {},
      columns.map(([, cell, cls]) => h("td", cls ? {class: cls} : {}, cell(row)))))));
}

/** A labelled input: returns [wrapper, input]. */
export function field(id, label, input, hint) {
  input.id = id;
  return h("div", {class: "field"}, h("label", {for: id}, label, hint ? h("span", {class: "hint"}, " " + hint) : null),
    input);
}

let ids = 0;
/** A fresh element id with a prefix, for labels. */
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** An ISO time as the operator's local time, with seconds; "" for none. */
export function time(iso) {
  if (!iso) {
    return "";
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, {hour12: false});
}

export function pretty(value) {
  return JSON.stringify(value, null, 2);
}
