// Kitchen display and pick list: ticket cards in the hub's order, bump bar keys, recall, all-day.
import {el} from "/kiosk/static/shared/dom.js";
import {LiveView, T, age, changesText, clock, itemName, modifierNames, originText} from "./live.js";

const KEYS = window.PASSLINE_KEYS;
const PICK = window.PASSLINE_MODE === "pick";
const live = new LiveView(document.body.dataset.view, render);
window.display = live;
// What the header band says: a started ticket must read differently from a waiting one across the kitchen.
const STATE_WORDS = {queued: T("state_new"), fired: T("state_new"), started: T("state_started")};
let selected = 0;
let shown = [];

function render(cards) {
  shown = cards;
  if (selected >= cards.length) selected = Math.max(0, cards.length - 1);
  const box = document.getElementById("cards");
  box.replaceChildren(...cards.map((card, index) => ticket(card, index)));
  allDay(cards);
  timers();
}

function ticket(card, index) {
  const classes = ["card", "status-" + card.status];
  if (index === selected) classes.push("selected");
  if (card.rush) classes.push("rush");
  if (card.cancelled) classes.push("cancelled");
  if (card.held) classes.push("held");
  if ((card.changes || []).length) classes.push("changed");
  const items = card.items.map((item) => el("li", {
    class: "item" + (item.bumped ? " bumped" : "") + (item.allergy ? " allergy" : ""),
    dataset: {line: item.line_no, sku: item.sku},
    onclick: () => bumpItem(card, item),
  },
    el("span", {class: "qty"}, item.qty + "×"), " ", el("span", {class: "name"}, itemName(item)),
    item.allergy ? el("span", {class: "allergy-mark", title: T("allergy")}, " " + T("allergy_mark")) : null,
    item.start_after_s > 0 && !card.cancelled ? el("span", {class: "later"}, " " + T("start_later", {time: age(item.start_after_s * 1000)})) : null,
    item.modifiers.length ? el("div", {class: "mods"}, modifierNames(item).join(", ")) : null,
    item.note ? el("div", {class: "note"}, item.note) : null,
  ));
  return el("article", {class: classes.join(" "), dataset: {orderId: card.order_id, number: card.number, index: index + 1},
                        onclick: (event) => { if (!event.target.closest("li,button")) { selected = index; render(shown); } }},
    el("header", {},
      el("span", {class: "pos"}, String(index + 1)),
      el("span", {class: "number"}, card.number),
      card.rush ? el("span", {class: "rush-mark"}, T("rush_mark")) : null,
      el("span", {class: "timer", dataset: {since: card.fired_at || card.accepted_at}}, ""),
    ),
    card.cancelled || PICK ? null : el("div", {class: "state-mark"}, STATE_WORDS[card.status] || card.status),
    el("div", {class: "meta"}, originText(card),
      " · " + (card.promised_at ? T("promised", {time: clock(card.promised_at)}) : T("due", {time: clock(card.deadline)}))),
    card.cancelled ? el("div", {class: "banner"}, T("cancelled_banner")) : null,
    (card.changes || []).length ? el("div", {class: "banner changed-banner"}, changesText(card.changes)) : null,
    card.held ? el("div", {class: "banner hold"}, T("held_banner")) : null,
    el("div", {class: "waiting", dataset: {fireAt: card.status === "queued" && !card.held ? card.fire_at : ""}}),
    el("ul", {class: "items"}, items),
    el("footer", {},
      card.cancelled || card.status === "started" ? null : el("button", {type: "button", class: "start", onclick: () => act("start", card)}, T("start")),
      el("button", {type: "button", class: "bump", onclick: () => act("bump", card)}, T(card.cancelled ? "clear" : "bump")),
      card.cancelled || card.rush ? null : el("button", {type: "button", class: "rush-btn", onclick: () => live.act("rush", {order_id: card.order_id})}, T("rush")),
    ),
  );
}

function act(kind, card) {
  return live.act(kind, {order_id: card.order_id, ticket_id: card.ticket_id, version: card.version});
}

function bumpItem(card, item) {
  if (card.cancelled || item.bumped) return;
  live.act("bump_item", {order_id: card.order_id, ticket_id: card.ticket_id, version: card.version, line_no: item.line_no});
}

// The all-day list: what the open tickets still need, by item, and the station's items sold out (86) now.
// One tap on a row 86es the item, or brings it back; kiosks and counters grey it at once.
function allDay(cards) {
  const counts = new Map();
  let load = 0;
  for (const card of cards) {
    if (card.cancelled) continue;
    load += card.prep_s;
    for (const item of card.items) {
      if (item.bumped) continue;
      const row = counts.get(itemName(item)) || {qty: 0, sku: item.sku};
      row.qty += item.qty;
      counts.set(itemName(item), row);
    }
  }
  const listed = new Set([...counts.values()].map((row) => row.sku));
  for (const sku of (window.PASSLINE_DISPLAY.station_items || [])) {
    if (live.byHand.has(sku) && !listed.has(sku)) counts.set(itemName({sku: sku, name: sku}), {qty: 0, sku: sku});
  }
  const rows = [...counts.entries()].sort((a, b) => b[1].qty - a[1].qty).map(([name, row]) => {
    const out = live.soldOut.has(row.sku);
    return el("tr", {class: "allday-item" + (out ? " sold-out" : ""), dataset: {sku: row.sku}, title: T("tap_to_86"),
                     onclick: () => soldOut(row.sku, name, !live.byHand.has(row.sku))},
      el("td", {class: "qty"}, row.qty), el("td", {class: "name"}, name),
      el("td", {class: "mark"}, out ? T("sold_out_mark") : ""));
  });
  document.getElementById("allday").replaceChildren(...rows);
  const open = cards.filter((c) => !c.cancelled).length;
  document.getElementById("load").textContent = T("load", {open: open, minutes: Math.ceil(load / 60)});
}

async function soldOut(sku, name, out) {
  const ack = await live.act("sold_out", {sku: sku, sold_out: out});
  if (!ack.ok) return;
  if (out) { live.soldOut.add(sku); live.byHand.add(sku); } else { live.soldOut.delete(sku); live.byHand.delete(sku); }
  live.notice(T(out ? "now_sold_out" : "now_back", {name: name}));
  render(shown);
}

function timers() {
  const now = live.now();
  const yellow = (live.settings.yellow_after_s || 300) * 1000;
  const red = (live.settings.red_after_s || 480) * 1000;
  for (const timer of document.querySelectorAll(".timer")) {
    const elapsed = now - Date.parse(timer.dataset.since);
    timer.textContent = age(elapsed);
    const card = timer.closest(".card");
    card.classList.toggle("age-yellow", elapsed >= yellow && elapsed < red);
    card.classList.toggle("age-red", elapsed >= red);
  }
  for (const wait of document.querySelectorAll(".waiting")) {
    const due = wait.dataset.fireAt ? Date.parse(wait.dataset.fireAt) - now : 0;
    wait.textContent = due > 0 ? T("starts_in", {time: age(due)}) : "";
  }
}
setInterval(timers, 1000);

async function recallLatest() {
  const recent = await showRecent();
  if (recent.length) {
    const last = recent[0];
    const ack = await live.act("recall", {order_id: last.order_id, ticket_id: last.ticket_id, version: last.version});
    if (ack.ok) showRecent();
  }
}

async function showRecent() {
  const answer = await live.ask("recent", {view: live.view});
  const tickets = answer.ok ? answer.tickets : [];
  document.getElementById("recent").replaceChildren(...tickets.map((t) => el("li", {},
    el("button", {type: "button", onclick: async () => { await live.act("recall", {order_id: t.order_id, ticket_id: t.ticket_id, version: t.version}); showRecent(); }},
      t.number + " · " + (t.lines || []).map((line) => line.qty + "× " + itemName(line)).join(", ")))));
  return tickets;
}
document.getElementById("recall-open").addEventListener("click", showRecent);

function press(key) {
  if (/^[1-9]$/.test(key)) { selected = Math.min(Number(key) - 1, Math.max(0, shown.length - 1)); render(shown); return true; }
  const card = shown[selected];
  if (key === KEYS.bump) { if (card) act("bump", card); return true; }
  if (key === KEYS.start) { if (card) act("start", card); return true; }
  if (key.toLowerCase() === KEYS.recall.toLowerCase()) { recallLatest(); return true; }
  if (key === KEYS.next || key === "ArrowDown") { selected = Math.min(selected + 1, shown.length - 1); render(shown); return true; }
  if (key === KEYS.previous || key === "ArrowUp") { selected = Math.max(selected - 1, 0); render(shown); return true; }
  return false;
}

// Serial bump bars send named keys (see hub/contracts/device_events.py); a keyboard sends real keys.
const BAR_KEYS = {bump: KEYS.bump, enter: KEYS.bump, recall: KEYS.recall, start: KEYS.start,
                  up: KEYS.previous, left: KEYS.previous, down: KEYS.next, right: KEYS.next};

function pressBar(key) {
  const numbered = /^key([1-9])$/.exec(key);
  if (numbered) return press(numbered[1]);
  if (key === "rush") { const card = shown[selected]; if (card) live.act("rush", {order_id: card.order_id}); return true; }
  return BAR_KEYS[key] ? press(BAR_KEYS[key]) : false;
}

document.addEventListener("keydown", (event) => {
  if (event.target.id === "scan") return;  // a keyboard-wedge scanner types into the scan field
  if (press(event.key)) event.preventDefault();
});
live.socket.on("key", (message) => { if (message.view === live.view) pressBar(message.key); });
live.socket.on("scan", (message) => { if (message.view === live.view) pickCode(message.code); });

function pickCode(raw) {
  const code = raw.trim().toUpperCase();
  for (const card of shown) {
    const item = card.items.find((i) => !i.bumped && i.sku.toUpperCase() === code);
    if (item && !card.cancelled) { bumpItem(card, item); return true; }
  }
  live.notice(T("nothing_to_pick", {code: code}));
  return false;
}

const scan = document.getElementById("scan");
if (scan) {
  scan.focus();
  scan.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    const code = scan.value;
    scan.value = "";
    pickCode(code);
  });
}
