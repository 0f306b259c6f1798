// The display side of the live protocol (docs/protocol.md, "Displays"): snapshot, numbered
// changes, a new snapshot on any gap, and acknowledged actions. Shared by every display page.
import {el} from "/kiosk/static/shared/dom.js";
import {newId, openSocket} from "/kiosk/static/shared/hub.js";
import {fill, formatTime} from "/kiosk/static/shared/words.js";

// The page's words and the catalog's names in the screen's language (displays/i18n.py puts them on the page).
const DISPLAY = window.PASSLINE_DISPLAY || {lang: "en", t: {}, words: {}};

// A word of the page, its {holes} filled.
function T(key, params) {
  return fill(DISPLAY.t[key] === undefined ? key : DISPLAY.t[key], params);
}

// Orders keep the catalog's own names; a screen in another language looks them up by SKU (or by the own name).
function itemName(item) {
  return (DISPLAY.words.items || {})[item.sku] || (DISPLAY.words.names || {})[item.name] || item.name;
}

function modifierNames(item) {
  const names = (DISPLAY.words.modifiers || {})[item.sku] || {};
  return item.modifiers.map((own, i) => names[(item.modifier_codes || [])[i]] || own);
}

function ownName(name) {
  return (DISPLAY.words.names || {})[name] || name;
}

// What a short pick changed, as the hub words it (ShortPick.describe in hub/domain/kitchen_pick.py), in the
// screen's language; text in another shape is shown as it came.
function changeText(text) {
  let m = /^removed (\d+)× (.+) \(not found\)$/.exec(text);
  if (m) return T("change_removed", {qty: m[1], name: ownName(m[2])});
  m = /^(\d+)× (.+) replaced by (\d+)× (.+)$/.exec(text);
  if (m) return T("change_replaced", {qty: m[1], name: ownName(m[2]), new_qty: m[3], new_name: ownName(m[4])});
  return text;
}

// Why the hub refused, in the screen's language: its words (`ack.words`), else its code; never the hub's English.
function refusalText(ack) {
  const words = ack.words || {key: ack.code, values: {}};
  const key = "refused_" + words.key;
  if (DISPLAY.t[key] === undefined) return T("refused_other");
  const values = Object.assign({}, words.values);
  if (values.status) values.status = T("ticket_" + values.status);
  if (values.order_status) values.order_status = T("order_status_" + values.order_status);
  if (values.name) values.name = ownName(values.name);
  return T(key, values);
}

function changesText(changes) {
  return T("changed", {list: changes.map(changeText).join("; ")});
}

// "Kiosk · Take away": where the order came from and how the customer gets it.
function originText(card) {
  const origin = DISPLAY.t["origin_" + card.origin] || card.origin;
  return origin + " · " + (DISPLAY.t["fulfilment_" + card.fulfilment] || card.fulfilment.replace("_", " "));
}

class LiveView {
  constructor(view, render) {
    this.view = view;
    this.render = render;          // called with the cards (in priority order) after every change
    this.cards = new Map();        // order_id -> card
    this.seq = -1;                 // the last change applied; -1 until the first snapshot
    this.ready = false;
    this.early = [];               // changes that came while a snapshot was on its way
    this.behind = 0;               // ticks in a row that said the hub is ahead of us
    this.settings = {};
    this.clockSkewMs = 0;
    this.snapshots = 0;
    this.soldOut = new Set();      // SKUs sold out now: from the snapshot, then every `availability`
    this.byHand = new Set();       // those 86ed by hand (the rest ran out of stock or are part of a bundle)
    this.socket = openSocket("/displays");
    this.socket.on("connect", () => { this.setLink("live"); this.join(); });
    this.socket.on("disconnect", () => { this.ready = false; this.setLink("offline"); });
    this.socket.io.on("reconnect_attempt", () => this.setLink("offline"));
    this.socket.on("change", (change) => this.onChange(change));
    this.socket.on("tick", (tick) => this.onTick(tick));
    this.socket.on("availability", (data) => {
      this.soldOut = new Set(data.sold_out);
      this.byHand = new Set(data.by_hand);
      if (this.ready) this.draw();
    });
  }

  join() {
    this.ready = false;
    this.early = [];
    this.socket.timeout(5000).emit("join", {view: this.view}, (err, snap) => {
      if (err || !snap.ok) { this.notice(err ? T("hub_silent_retrying") : refusalText(snap)); setTimeout(() => this.join(), 1000); return; }
      this.cards = new Map(snap.cards.map((card) => [card.order_id, card]));
      this.seq = snap.seq;
      this.settings = snap.settings;
      this.soldOut = new Set(snap.sold_out || []);
      this.byHand = new Set(snap.by_hand || []);
      this.clockSkewMs = Date.parse(snap.now) - Date.now();
      this.snapshots += 1;
      this.ready = true;
      this.behind = 0;
      const early = this.early;
      this.early = [];
      for (const change of early) this.onChange(change, true);
      this.draw();
    });
  }

  onChange(change, quiet) {
    if (change.view !== this.view) return;
    if (!this.ready) { this.early.push(change); return; }
    if (change.seq <= this.seq) return;                       // already in the snapshot
    if (change.seq !== this.seq + 1) { this.join(); return; } // a gap: start again from a snapshot
    this.seq = change.seq;
    if (change.card) this.cards.set(change.order_id, change.card);
    else this.cards.delete(change.order_id);
    if (!quiet) this.draw();
  }

  onTick(tick) {
    if (!this.ready || tick.view !== this.view) return;
    // One tick ahead can be a change still on its way; two in a row means one was lost.
    this.behind = tick.seq > this.seq ? this.behind + 1 : 0;
    if (this.behind >= 2) this.join();
  }

  sorted() {
    return [...this.cards.values()].sort((a, b) => (a.rank.join("|") < b.rank.join("|") ? -1 : 1));
  }

  draw() {
    document.body.dataset.seq = String(this.seq);
    this.render(this.sorted());
  }

  now() { return Date.now() + this.clockSkewMs; }

  act(kind, fields) {
    const action = Object.assign({action_id: newId(), kind: kind}, fields);
    return this.send(action);
  }

  send(action) {
    return new Promise((resolve) => {
      this.socket.timeout(5000).emit("action", action, (err, ack) => {
        if (err) { this.notice(T("hub_silent")); resolve({ok: false}); return; }
        if (!ack.ok) this.notice(refusalText(ack));
        resolve(ack);
      });
    });
  }

  ask(event, data) {
    return new Promise((resolve) => this.socket.timeout(5000).emit(event, data, (err, ack) => resolve(err ? {ok: false} : ack)));
  }

  notice(text) {
    const box = document.getElementById("notice");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => { box.hidden = true; }, 6000);
  }

  setLink(state) {
    const link = document.getElementById("link");
    link.dataset.state = state;
    link.className = "link " + state;
    link.textContent = T(state === "live" ? "link_live" : "link_offline");
  }
}

function clock(iso) {
  return formatTime(iso, DISPLAY.lang);
}

function age(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
}

export {DISPLAY, LiveView, T, age, changesText, clock, itemName, modifierNames, originText};
