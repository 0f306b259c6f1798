// Kiosk helpers: strings in the chosen language, money and dates with Intl, ids, and calls to the hub
// that notice when the hub cannot be reached.
"use strict";

const Kiosk = {
  config: JSON.parse(document.getElementById("kiosk-config").textContent),
  lang: null,
  currency: "EUR",
  fetchDown: false,          // the last call to the hub failed on the network (or the hub failed)
  onLinkChange: () => {},
};
Kiosk.lang = Kiosk.config.lang;

function t(key, params) {
  const table = Kiosk.config.strings[Kiosk.lang] || {};
  let text = table[key] !== undefined ? table[key] : (Kiosk.config.strings.en || {})[key] || key;
  for (const [name, value] of Object.entries(params || {})) text = text.split(`{${name}}`).join(String(value));
  return text;
}

function money(minor) {
  const format = new Intl.NumberFormat(Kiosk.lang, {style: "currency", currency: Kiosk.currency});
  const digits = format.resolvedOptions().maximumFractionDigits;
  return format.format(minor / 10 ** digits);
}

function hintText(hint) {
  // The hub's hint in the customer's language; its English sentence, only to English readers, when the kind is new here.
  const key = `hint_${hint.kind}`;
  if (!hint.kind || (Kiosk.config.strings.en || {})[key] === undefined) return Kiosk.lang === "en" ? hint.message : "";
  return t(key, {count: hint.count, noun: hint.noun, name: hint.name, amount: money(hint.amount)});
}

// What the hub's refusal means to a customer: its code in words, never the hub's own message or field path.
function errorWords(data) {
  const key = `error_${(data && data.code) || "general"}`;
  return (Kiosk.config.strings.en || {})[key] !== undefined ? t(key) : t("error_general");
}

function dateTime(date) {
  return new Intl.DateTimeFormat(Kiosk.lang, {dateStyle: "medium", timeStyle: "short"}).format(date);
}

function newId() {
  // crypto.randomUUID needs a secure context; a kiosk on the store network is plain http.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

// Call the hub; resolves {ok, status, data}. A network failure or a 5xx marks the hub unreachable.
async function api(method, url, body) {
  let response;
  try {
    response = await fetch(url, {method, headers: body ? {"content-type": "application/json"} : {},
                                 body: body ? JSON.stringify(body) : undefined, cache: "no-store"});
  } catch (err) {
    setFetchDown(true);
    return {ok: false, status: 0, data: {code: "unreachable", message: String(err)}};
  }
  setFetchDown(response.status >= 500 && response.status !== 503);
  let data = null;
  try { data = await response.json(); } catch (err) { data = {code: "bad_reply", message: response.statusText}; }
  return {ok: response.ok, status: response.status, data};
}

function setFetchDown(down) {
  if (Kiosk.fetchDown === down) return;
  Kiosk.fetchDown = down;
  Kiosk.onLinkChange();
}
