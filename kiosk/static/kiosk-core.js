// The kiosk's configuration and state, its words, money and dates in the customer's language, and its calls to
// the hub, which notice when the hub cannot be reached. Built on the shared helpers in shared/.
import {callHub} from "./shared/hub.js";
import {formatMoney} from "./shared/money.js";
import {formatDateTime, refusalWords, translator} from "./shared/words.js";

export {el} from "./shared/dom.js";
export {newId} from "./shared/hub.js";

// The screen itself: what the hub put on the page, the language shown, and whether the hub answers calls.
export const Kiosk = {
  config: JSON.parse(document.getElementById("kiosk-config").textContent),
  lang: null,
  currency: "EUR",
  fetchDown: false,          // the last call to the hub failed on the network (or the hub failed)
  onLinkChange: () => {},
};
Kiosk.lang = Kiosk.config.lang;

// The customer at the screen now; reset() in kiosk-pay.js starts it over for the next one.
export const KioskState = {
  menu: null,
  menus: null,             // language -> the menu in it
  items: new Map(),
  sold: new Set(),
  category: null,
  mode: null,              // dine_in | takeaway
  member: null,
  reward: null,
  held: null,              // {order_id, number, total, signature}: stored by the hub, waiting for payment
  payment: null,           // {payment_id, order_id} while the terminal is busy with the customer
  socketUp: false,
  lastTouch: Date.now(),
  stillSince: null,
  doneAt: null,
  detail: null,            // {item, chosen: Set, qty}
  everConnected: false,
  openedAt: Date.now(),
};

export const $ = (id) => document.getElementById(id);

export const t = translator(Kiosk.config.strings, () => Kiosk.lang);

export function money(minor) {
  return formatMoney(minor, Kiosk.currency, Kiosk.lang);
}

export function hintText(hint) {
  // The hub's hint in the customer's language; its English sentence, only to English readers, when the kind is new here.
  const key = `hint_${hint.kind}`;
  if (!hint.kind || (Kiosk.config.strings.en || {})[key] === undefined) return Kiosk.lang === "en" ? hint.message : "";
  return t(key, {count: hint.count, noun: hint.noun, name: hint.name, amount: money(hint.amount)});
}

// What the hub's refusal means to a customer: its code in words, never the hub's own message or field path.
export function errorWords(data) {
  return refusalWords(t, Kiosk.config.strings, data && data.code);
}

export function dateTime(date) {
  return formatDateTime(date, Kiosk.lang, "medium");
}

// Call the hub; resolves {ok, status, data}. A network failure or a 5xx marks the hub unreachable.
export async function api(method, url, body) {
  const reply = await callHub(method, url, body);
  if (!reply.reached) {
    setFetchDown(true);
    return {ok: false, status: 0, data: {code: "unreachable", message: String(reply.error)}};
  }
  setFetchDown(reply.status >= 500 && reply.status !== 503);
  const data = reply.data !== null ? reply.data : {code: "bad_reply", message: reply.statusText};
  return {ok: reply.ok, status: reply.status, data};
}

function setFetchDown(down) {
  if (Kiosk.fetchDown === down) return;
  Kiosk.fetchDown = down;
  Kiosk.onLinkChange();
}
