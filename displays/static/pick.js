// Pick list: a zone's orders with lines grouped by bin in walking order; pick by scan or tap,
// short-pick (remove or substitute), pack, ready for pickup, hand over.
import {el} from "/kiosk/static/shared/dom.js";
import {amountWithCode} from "/kiosk/static/shared/money.js";
import {DISPLAY, LiveView, T, changesText, clock, itemName, originText} from "./live.js";

const live = new LiveView(document.body.dataset.view, render);
window.display = live;
const scan = document.getElementById("scan");
let shown = [];
let shortOpen = null;        // {order_id, line_no, text}: the line whose "not found" panel is open
const pending = new Map();   // "order:line" -> picks sent and not yet acknowledged

// Walking order: numbers inside a bin compare as numbers (A-2 before A-10); lines without a bin last.
function binKey(bin) {
  return bin ? "0" + bin.toUpperCase().replace(/\d+/g, (d) => d.padStart(6, "0")) : "1";
}

function byBin(a, b) {
  const ka = binKey(a.bin), kb = binKey(b.bin);
  return ka < kb ? -1 : ka > kb ? 1 : a.line_no - b.line_no;
}

function money(m) {
  // "12.50 EUR" / "12,50 EUR": the decimal mark of the screen's language, the currency's code as on the receipt
  return amountWithCode(m.amount, m.currency, DISPLAY.lang);
}

function left(card, item) {
  return item.qty - item.picked - (pending.get(card.order_id + ":" + item.line_no) || 0);
}

function open(card) {
  return !card.cancelled && card.status !== "done";
}

function render(cards) {
  shown = cards;
  document.getElementById("cards").replaceChildren(...shown.map(pickCard));
  walk();
  const active = document.activeElement;
  if (shortOpen) {
    const input = document.querySelector(".short-panel .substitute");
    if (input) { input.value = shortOpen.text || ""; input.focus(); return; }
    shortOpen = null;
  }
  if (!active || active === document.body || active.tagName === "BUTTON") scan.focus();
}

function pickCard(card) {
  const classes = ["card", "pick-card", "status-" + card.status];
  if (card.cancelled) classes.push("cancelled");
  if (card.changes && card.changes.length) classes.push("changed");
  if (card.order_status === "ready") classes.push("ready");
  const groups = new Map();
  for (const item of [...card.items].sort(byBin)) {
    const bin = item.bin || "";
    if (!groups.has(bin)) groups.set(bin, []);
    groups.get(bin).push(item);
  }
  const bins = [...groups.entries()].map(([bin, items]) => el("section", {class: "bin", dataset: {bin: bin}},
    el("h3", {class: "bin-name"}, bin ? T("bin", {bin: bin}) : T("no_bin")),
    el("ul", {class: "items"}, items.map((item) => line(card, item)))));
  return el("article", {class: classes.join(" "), dataset: {orderId: card.order_id, number: card.number}},
    el("header", {},
      el("span", {class: "number"}, card.number),
      el("span", {class: "total", title: T("order_total")}, money(card.total))),
    el("div", {class: "meta"}, originText(card) +
      (card.promised_at ? " · " + T("promised", {time: clock(card.promised_at)}) : "")),
    card.cancelled ? el("div", {class: "banner"}, T("pick_cancelled_banner")) : null,
    card.changes && card.changes.length ? el("div", {class: "banner changed-banner"}, changesText(card.changes)) : null,
    bins,
    el("footer", {}, footer(card)),
  );
}

function line(card, item) {
  const todo = left(card, item);
  const panel = shortOpen && shortOpen.order_id === card.order_id && shortOpen.line_no === item.line_no;
  return el("li", {class: "item" + (todo <= 0 ? " picked bumped" : ""), dataset: {line: item.line_no, sku: item.sku}},
    el("span", {class: "tap", onclick: () => pickLine(card, item)},
      el("span", {class: "qty"}, (item.qty - todo) + "/" + item.qty), " ",
      el("span", {class: "name"}, itemName(item)), " ", el("span", {class: "sku"}, item.sku)),
    todo > 0 && open(card) && !panel ? el("button", {type: "button", class: "short", onclick: () => {
      shortOpen = {order_id: card.order_id, line_no: item.line_no, text: ""}; render(live.sorted());
    }}, T("short")) : null,
    panel && todo > 0 ? shortPanel(card, item, todo) : null,
  );
}

function shortPanel(card, item, todo) {
  const input = el("input", {class: "substitute", autocomplete: "off", placeholder: T("substitute_placeholder")});
  input.addEventListener("input", () => { shortOpen.text = input.value; });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); short(card, item, "substitute", input.value); }
    if (event.key === "Escape") closeShort();
  });
  return el("div", {class: "short-panel"},
    el("div", {class: "short-title"}, T("not_found", {qty: todo, name: itemName(item)})),
    el("button", {type: "button", class: "remove", onclick: () => short(card, item, "remove")}, T("remove")),
    input,
    el("button", {type: "button", class: "substitute-btn", onclick: () => short(card, item, "substitute", input.value)}, T("substitute")),
    el("button", {type: "button", class: "close-short", onclick: closeShort}, T("back")));
}

function closeShort() {
  shortOpen = null;
  render(live.sorted());
}

async function short(card, item, remedy, substitute) {
  if (remedy === "substitute" && !(substitute || "").trim()) { live.notice(T("substitute_first")); return; }
  const fields = {order_id: card.order_id, ticket_id: card.ticket_id, version: card.version, line_no: item.line_no, remedy: remedy};
  if (remedy === "substitute") fields.substitute = substitute.trim();
  const ack = await live.act("short", fields);
  if (ack.ok) closeShort();
}

function footer(card) {
  if (card.cancelled) return [el("button", {type: "button", class: "bump", onclick: () => ticketAct("bump", card)}, T("clear"))];
  if (card.order_status === "ready") {
    return [el("span", {class: "ready-mark"}, T("ready_for_pickup_mark")),
            el("button", {type: "button", class: "hand-over", onclick: () => live.act("hand_over", {order_id: card.order_id})}, T("hand_over"))];
  }
  if (card.status === "done") {
    return [el("span", {class: "packed-mark"}, T("packed_mark")),
            el("button", {type: "button", class: "ready-btn", onclick: () => live.act("expo_bump", {order_id: card.order_id})}, T("ready_for_pickup"))];
  }
  const all = card.items.every((item) => left(card, item) <= 0);
  return [el("button", {type: "button", class: "pack", disabled: !all, onclick: () => ticketAct("pack", card)}, T("pack"))];
}

function ticketAct(kind, card) {
  return live.act(kind, {order_id: card.order_id, ticket_id: card.ticket_id, version: card.version});
}

async function pickLine(card, item) {
  if (!open(card) || left(card, item) <= 0) return false;
  const key = card.order_id + ":" + item.line_no;
  pending.set(key, (pending.get(key) || 0) + 1);
  render(live.sorted());
  const ack = await live.act("pick", {order_id: card.order_id, ticket_id: card.ticket_id, line_no: item.line_no, sku: item.sku});
  pending.set(key, pending.get(key) - 1);
  if (!pending.get(key)) pending.delete(key);
  render(live.sorted());
  return ack.ok;
}

// Every unit still to pick in this zone, bin by bin in walking order.
function walk() {
  const rows = [];
  for (const card of shown) {
    if (!open(card)) continue;
    for (const item of card.items) {
      const todo = left(card, item);
      if (todo > 0) rows.push({bin: item.bin, line_no: item.line_no, text: todo + "× " + itemName(item) + " · " + card.number});
    }
  }
  rows.sort(byBin);
  document.getElementById("walk").replaceChildren(...rows.map((r) => el("li", {dataset: {bin: r.bin || ""}},
    el("strong", {}, r.bin || T("no_bin")), " ", r.text)));
  document.getElementById("load").textContent = T("pick_load", {orders: shown.filter(open).length, lines: rows.length});
}

function pickCode(raw) {
  const code = raw.trim();
  if (!code) return;
  const upper = code.toUpperCase();
  const matches = (item) => item.sku.toUpperCase() === upper || item.gtin === code;
  for (const card of shown) {
    if (!open(card)) continue;
    const item = card.items.find((i) => matches(i) && left(card, i) > 0);
    if (item) {
      document.getElementById("scanned").textContent = T("picked_for", {name: itemName(item), number: card.number});
      pickLine(card, item);
      return;
    }
  }
  const listed = shown.some((card) => open(card) && card.items.some(matches));
  live.notice(listed ? T("all_picked", {code: code}) : T("not_on_list", {code: code}));
}

// A keyboard-wedge scanner types into the scan field; typing anywhere else goes there too.
scan.addEventListener("keydown", (event) => {
  if (event.key !== "Enter") return;
  const code = scan.value;
  scan.value = "";
  pickCode(code);
});
document.addEventListener("keydown", (event) => {
  if (event.target.tagName === "INPUT" || event.key.length !== 1) return;
  scan.focus();
});
// A scanner behind a device agent: while a "not found" panel is open, its scan is the substitute.
live.socket.on("scan", (message) => {
  if (message.view !== live.view) return;
  if (shortOpen) {
    const card = shown.find((c) => c.order_id === shortOpen.order_id);
    const item = card && card.items.find((i) => i.line_no === shortOpen.line_no);
    if (item) { short(card, item, "substitute", message.code); return; }
  }
  pickCode(message.code);
});
scan.focus();
