// Remote orders waiting for a cashier (accept with a quoted time, or reject), and finding an order to pay, reprint or refund.
import {$, C} from "./counter.js";
import {Pay} from "./counter-pay.js";
import {Sale} from "./counter-sale.js";

const Incoming = {orders: [], selected: 0, quotes: new Map(), known: null, audio: null, chimes: 0};
window.Incoming = Incoming;  // read by the browser tests (the tone for a new remote order)

Incoming.chime = function () {
  // A short rising two-note tone, made here with WebAudio: a cashier serving a customer hears a new remote order.
  const Audio = window.AudioContext || window.webkitAudioContext;
  if (!Audio) return;
  Incoming.audio = Incoming.audio || new Audio();
  const audio = Incoming.audio;
  const now = audio.currentTime;
  for (const [frequency, at] of [[880, 0], [1320, 0.18]]) {
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.type = "sine";
    tone.frequency.value = frequency;
    volume.gain.setValueAtTime(0.0001, now + at);
    volume.gain.exponentialRampToValueAtTime(0.3, now + at + 0.02);
    volume.gain.exponentialRampToValueAtTime(0.0001, now + at + 0.16);
    tone.connect(volume).connect(audio.destination);
    tone.start(now + at);
    tone.stop(now + at + 0.17);
  }
  Incoming.chimes += 1;
  document.body.dataset.incomingChimes = String(Incoming.chimes);
};

// Browsers let a page make sound only after a touch or a key: the PIN sign-in is one.
for (const kind of ["pointerdown", "keydown"]) {
  document.addEventListener(kind, () => {
    const Audio = window.AudioContext || window.webkitAudioContext;
    if (!Audio) return;
    Incoming.audio = Incoming.audio || new Audio();
    Incoming.audio.resume();
  }, {once: true, capture: true});
}

Incoming.load = async function () {
  if (!C.staff) return;
  try {
    Incoming.orders = (await C.api("GET", "/api/v1/incoming")).orders || [];
  } catch (error) {
    if (C.screen === "incoming") C.fail(error);
    return;
  }
  const live = new Set(Incoming.orders.map((o) => o.order_id));
  if (Incoming.known && [...live].some((id) => !Incoming.known.has(id))) Incoming.chime();  // not for those waiting at sign-in
  Incoming.known = live;
  for (const id of [...Incoming.quotes.keys()]) if (!live.has(id)) Incoming.quotes.delete(id);
  Incoming.selected = Math.min(Incoming.selected, Math.max(Incoming.orders.length - 1, 0));
  const badge = $("#incoming-count");
  badge.textContent = String(Incoming.orders.length);
  badge.hidden = !Incoming.orders.length;
  Incoming.draw();
};

Incoming.minutes = function (order) {
  if (!Incoming.quotes.has(order.order_id)) Incoming.quotes.set(order.order_id, order.suggested_minutes || C.config.quote_step_minutes);
  return Incoming.quotes.get(order.order_id);
};

Incoming.draw = function () {
  $("#incoming-empty").hidden = Incoming.orders.length > 0;
  $("#incoming-list").replaceChildren(...Incoming.orders.map((order, index) => {
    const minutes = Incoming.minutes(order);
    const readyAt = new Date(Date.now() + minutes * 60000).toISOString();
    const customer = order.customer || {};
    const field = C.el("input", {class: "quote-minutes", inputmode: "numeric", value: String(minutes), "aria-label": C.t("minutes"),
      onchange: (event) => { const m = parseInt(event.target.value, 10); if (m > 0) Incoming.quotes.set(order.order_id, m); Incoming.draw(); }});
    return C.el("article", {class: `incoming-order${index === Incoming.selected ? " selected" : ""}`, "data-order": order.order_id,
                            "data-number": order.number, onclick: () => { Incoming.selected = index; }},
      C.el("header", null,
        C.el("span", {class: `origin origin-${order.origin}`}, C.t(`origin_${order.origin}`)),
        C.el("strong", {class: "number"}, order.number),
        C.el("span", {class: "fulfilment"}, C.t(`fulfilment_${order.fulfilment}`)),
        C.el("span", {class: "received"}, C.t("received_at", {time: C.time(order.received_at)}))),
      C.el("p", {class: "promised"}, order.promised_at ? C.t("wanted_at", {time: C.time(order.promised_at)}) : C.t("wanted_asap")),
      customer.name || customer.phone ? C.el("p", {class: "customer"}, [customer.name, customer.phone].filter(Boolean).join(" · ")) : null,
      C.el("ul", {class: "order-lines"}, (order.lines || []).map((line) => {
        const mods = line.modifier_codes ? Find.modifierNames({sku: line.sku, modifiers: line.modifier_codes}) : line.modifiers || [];
        return C.el("li", null, `${line.qty}× ${Find.itemName(line)}`, mods.length ? C.el("span", {class: "mods"}, ` + ${mods.join(", ")}`) : null);
      })),
      C.el("p", {class: "order-total"}, C.money(order.total.amount !== undefined ? order.total.amount : order.total)),
      C.el("div", {class: "quote"},
        C.el("span", null, C.t("ready_in")),
        C.el("button", {type: "button", class: "quote-less", onclick: () => Incoming.step(order, -1)}, "−"),
        field,
        C.el("button", {type: "button", class: "quote-more", onclick: () => Incoming.step(order, 1)}, "+"),
        C.el("span", null, C.t("min")),
        C.el("strong", {class: "quote-time"}, C.t("ready_at", {time: C.time(readyAt)})),
        C.el("span", {class: "suggested"}, C.t("suggested", {minutes: order.suggested_minutes || "?"}))),
      C.el("div", {class: "actions"},
        C.button(C.t("accept"), "A", () => Incoming.accept(order), {class: "primary accept"}),
        C.button(C.t("reject"), "X", () => Incoming.reject(order), {class: "danger reject"})));
  }));
};

Incoming.step = function (order, direction) {
  const step = C.config.quote_step_minutes;
  Incoming.quotes.set(order.order_id, Math.max(step, Incoming.minutes(order) + direction * step));
  Incoming.draw();
};

Incoming.accept = async function (order) {
  const minutes = Incoming.minutes(order);
  try {
    const answer = await C.api("POST", `/api/v1/orders/${order.order_id}/confirm`, {minutes: minutes, ready_at: null});
    C.notice(C.t("accepted_notice", {number: order.number, time: C.time(answer.promised_at)}), "ok");
  } catch (error) { C.fail(error); }
  Incoming.load();
};

Incoming.reject = function (order) {
  const reason = C.el("input", {id: "reject-reason", maxlength: "200", autocomplete: "off", placeholder: C.t("reason_placeholder")});
  const message = C.el("p", {class: "pin-message", role: "alert"});
  const send = async () => {
    if (!reason.value.trim()) { message.textContent = C.t("reason_required"); reason.focus(); return; }
    try {
      await C.api("POST", `/api/v1/orders/${order.order_id}/reject`, {reason: reason.value.trim()});
      C.closeDialog(false);
      C.notice(C.t("rejected_notice", {number: order.number}), "ok");
    } catch (error) { message.textContent = error.message; return; }
    Incoming.load();
  };
  C.openDialog(C.el("form", {class: "reject", onsubmit: (event) => { event.preventDefault(); send(); }},
    C.el("h2", null, C.t("reject_title", {number: order.number})),
    C.el("div", {class: "quick"}, ["reject_busy", "reject_sold_out", "reject_closing"].map((key) =>
      C.el("button", {type: "button", "data-reason": key, onclick: () => { reason.value = C.t(key); reason.focus(); }}, C.t(key)))),
    C.el("label", null, C.el("span", null, C.t("reason")), reason), message,
    C.el("div", {class: "actions"}, C.button(C.t("cancel"), "Esc", () => C.closeDialog(true), {class: "quiet"}),
      C.el("button", {type: "submit", class: "danger", id: "reject-send"}, C.t("reject"), " ", C.el("kbd", null, "Enter")))),
  {kind: "reject"});
};

C.screens.incoming = {
  show() { Incoming.load(); },
  redraw() { Incoming.draw(); },
  key(event) {
    if (C.inField(event)) return false;
    const order = Incoming.orders[Incoming.selected];
    const key = event.key;
    if (key === "ArrowDown" || key === "ArrowUp") {
      Incoming.selected = Math.max(0, Math.min(Incoming.orders.length - 1, Incoming.selected + (key === "ArrowDown" ? 1 : -1)));
      Incoming.draw();
      return true;
    }
    if (!order) return false;
    if (key === "a" || key === "A") { Incoming.accept(order); return true; }
    if (key === "x" || key === "X") { Incoming.reject(order); return true; }
    if (key === "+" || key === "-") { Incoming.step(order, key === "+" ? 1 : -1); return true; }
    return false;
  },
};

// ---- find an order ------------------------------------------------------------------------------

const Find = {results: [], order: null, refund: new Map()};

Find.search = async function () {
  const q = $("#find-q").value.trim();
  Find.order = null;  // a new search: nothing stale stays on screen
  Find.drawDetail();
  try {
    const answer = await C.api("GET", `/api/v1/orders?q=${encodeURIComponent(q)}&limit=50`);
    Find.results = answer.orders || [];
  } catch (error) { C.fail(error); return; }
  Find.draw();
  if (Find.results.length === 1) Find.open(Find.results[0].order_id);
  else if (!Find.results.length) C.notice(C.t("no_orders_found", {q: q}), "error");
};

Find.draw = function () {
  $("#find-results").replaceChildren(...Find.results.map((order) => {
    const customer = order.customer || {};
    return C.el("li", {"data-order": order.order_id, "data-number": order.number,
                       class: Find.order && Find.order.order_id === order.order_id ? "on" : ""},
      C.el("button", {type: "button", onclick: () => Find.open(order.order_id)},
        C.el("strong", {class: "number"}, order.number), " ",
        C.el("span", {class: "meta"}, [C.time(order.received_at), C.t(`origin_${order.origin}`), customer.name, customer.phone]
          .filter(Boolean).join(" · ")), " ",
        C.el("span", {class: "status"}, C.t(`status_${order.status}`)), " ",
        C.el("span", {class: "amount"}, C.money(order.total.amount))));
  }));
};

Find.open = async function (orderId) {
  try {
    Find.order = await C.api("GET", `/api/v1/orders/${orderId}`);
    const money = await C.api("GET", `/api/v1/orders/${orderId}/tenders`);
    const tenders = money.tenders || [];
    Find.refunded = tenders.reduce((sum, t) => sum + (t.refunded || 0), 0);
    Find.taken = tenders.reduce((sum, t) => sum + t.amount, 0);
    Find.refundedUnits = new Map((money.refunded_lines || []).map((line) => [line.index, line.qty]));
  } catch (error) { C.fail(error); return; }
  Find.refund = new Map();
  Find.draw();
  Find.drawDetail();
  const first = $("#find-detail .actions button");  // keys now act on the order, not the search box
  if (first) first.focus();
};

Find.drawDetail = function () {
  const order = Find.order;
  const box = $("#find-detail");
  box.hidden = !order;
  if (!order) return;
  box.dataset.order = order.order_id;
  let payment = order.payment || {state: "unpaid", due: order.total.amount};
  if (Find.refunded) payment = Object.assign({}, payment, {state: "paid", due: 0});  // refunded money is not due again
  const lines = (order.pricing && order.pricing.lines) || [];
  const customer = order.customer || {};
  const canPay = payment.due > 0 && !["cancelled", "completed"].includes(order.status);
  // Only money taken on a completed order goes back; units refunded before are shown as such, never offered again.
  const refundable = order.status === "completed" && Find.taken > 0;
  const left = (line) => line.qty - Find.refundedOf(line);
  const anyLeft = lines.some((line) => left(line) > 0);
  box.replaceChildren(...[
    C.el("h2", null, C.t("order"), " ", C.el("strong", {class: "number"}, order.number)),
    C.el("p", {class: "meta"}, [C.dateTime(order.received_at), C.t(`origin_${order.origin}`), C.t(`fulfilment_${order.fulfilment}`),
                               customer.name, customer.phone].filter(Boolean).join(" · ")),
    C.el("p", {class: "state"}, C.el("span", {class: "status", "data-status": order.status}, C.t(`status_${order.status}`)), " · ",
         C.el("span", {class: "payment", "data-payment": payment.state}, C.t(`payment_${payment.state}`)),
         payment.due > 0 ? ` · ${C.t("still_due")} ${C.money(payment.due)}` : "",
         Find.refunded ? C.el("span", {class: "refunded"}, ` · ${C.t("refunded_sum", {amount: C.money(Find.refunded)})}`) : ""),
    C.el("table", {class: "refund-lines"}, C.el("tbody", null, lines.map((line) => {
      const chosen = Find.refund.get(line.index) || 0;
      const done = Find.refundedOf(line);
      const mods = Find.modifierNames(line);
      return C.el("tr", {"data-index": line.index, "data-sku": line.sku, class: done >= line.qty ? "all-refunded" : ""},
        C.el("td", {class: "qty"}, `${line.qty}×`),
        C.el("td", {class: "name"}, Find.itemName(line), mods.length ? C.el("span", {class: "mods"}, ` + ${mods.join(", ")}`) : null),
        C.el("td", {class: "amount"}, C.money(line.net.amount)),
        !refundable ? C.el("td", {class: "refund-qty"}, done ? C.t("refunded_units", {n: done}) : "")
          : done >= line.qty ? C.el("td", {class: "refund-qty refunded-all"}, C.t("all_refunded"))
            : C.el("td", {class: "refund-qty"},
              done ? C.el("span", {class: "refunded-units"}, C.t("refunded_units", {n: done})) : null,
              C.el("button", {type: "button", class: "less", onclick: () => Find.pick(line, -1)}, "−"),
              C.el("span", {class: "chosen"}, String(chosen)),
              C.el("button", {type: "button", class: "more", onclick: () => Find.pick(line, 1)}, "+")));
    }))),
    C.el("p", {class: "total"}, C.t("total"), " ", C.el("strong", null, C.money(order.total.amount))),
    canPay && !Find.taken ? C.el("p", {class: "unpaid-note"}, C.t("unpaid_no_refund")) : null,
    refundable && !anyLeft ? C.el("p", {class: "all-refunded-note"}, C.t("nothing_left_to_refund")) : null,
    C.el("div", {class: "actions"},
      canPay ? C.button(C.t("take_payment"), "P", () => Pay.open(order, {fromSale: false}), {class: "primary", id: "find-pay"}) : null,
      C.button(C.t("reprint_receipt"), "R", Find.reprint, {id: "find-reprint"}),
      refundable && anyLeft ? C.button(C.t("refund_selected"), null, () => Find.refundNow(false), {id: "find-refund", disabled: !Find.refund.size}) : null,
      refundable && anyLeft ? C.button(C.t("refund_all"), null, () => Find.refundNow(true), {class: "danger", id: "find-refund-all"}) : null),
    C.el("p", {id: "find-result", class: "find-result"})].filter(Boolean));  // a note not needed is left out
};

Find.refundedOf = function (line) { return (Find.refundedUnits && Find.refundedUnits.get(line.index)) || 0; };

// Names in the till's language from the catalog it sells from; the order's own words when the item left the catalog.
Find.itemName = function (line) {
  const item = Sale.bySku.get(line.sku);
  return item ? item.name : line.name;
};

Find.modifierNames = function (line) {
  const item = Sale.bySku.get(line.sku);
  return (line.modifiers || []).map((code) => {
    const known = item && item.modifiers.find((m) => m.code === code);
    return known ? known.name : code;
  });
};

Find.pick = function (line, step) {
  const next = Math.max(0, Math.min(line.qty - Find.refundedOf(line), (Find.refund.get(line.index) || 0) + step));
  if (next) Find.refund.set(line.index, next); else Find.refund.delete(line.index);
  Find.drawDetail();
};

// On this till's receipt printer (its route, else the store's catch-all), marked REPRINT; followed until printed.
Find.reprint = async function () {
  const orderId = Find.order.order_id;
  try {
    const answer = await C.api("POST", `/api/v1/orders/${orderId}/receipt`, {device_id: C.device});
    C.followPrint(orderId, answer.print, (text, kind) => {
      if (!Find.order || Find.order.order_id !== orderId) return;
      $("#find-result").textContent = text;
      $("#find-result").dataset.print = kind;
    });
  } catch (error) { C.fail(error); }
};

Find.refundNow = async function (all) {
  const order = Find.order;
  const lines = all ? [] : [...Find.refund].map(([index, qty]) => ({index: index, qty: qty}));
  if (!all && !lines.length) { C.notice(C.t("choose_refund_lines"), "error"); return; }
  // Checked before a manager is asked: their PIN is spent on a refund that can happen.
  const priced = (order.pricing && order.pricing.lines) || [];
  const over = lines.some((l) => { const line = priced.find((p) => p.index === l.index); return !line || l.qty > line.qty - Find.refundedOf(line); });
  if (over || (all && !priced.some((line) => line.qty - Find.refundedOf(line) > 0))) {
    C.notice(C.t(over ? "error_invalid_refund" : "nothing_left_to_refund"), "error");
    return;
  }
  const approval = await C.askApproval("refund", C.t(all ? "refund_all_why" : "refund_why", {number: order.number}));
  if (!approval) return;
  try {
    const answer = await C.api("POST", `/api/v1/orders/${order.order_id}/refunds`, {lines: lines, approval: approval});
    // A card's part goes back at its terminal: the customer presents the card there.
    const back = (answer.to_tenders || []).map((t) => `${C.t(t.kind)} ${C.money(t.amount)}`
      + (t.pending ? ` (${C.t("card_refund_at_terminal")})` : "")).join(", ");
    await Find.open(order.order_id);
    const text = C.t("refunded_notice", {amount: C.money(answer.amount.amount), to: back});
    $("#find-result").textContent = text;
    C.notice(text, "ok");
  } catch (error) { C.fail(error); }
};

C.screens.find = {
  show() { $("#find-q").focus(); },
  focus() { $("#find-q").focus(); },
  redraw() { Find.draw(); Find.drawDetail(); },
  key(event) {
    if (event.key === "Enter" && event.target.id === "find-q") { Find.search(); return true; }
    if (C.inField(event) || !Find.order) return false;
    if ((event.key === "p" || event.key === "P") && $("#find-pay")) { Pay.open(Find.order, {fromSale: false}); return true; }
    if (event.key === "r" || event.key === "R") { Find.reprint(); return true; }
    return false;
  },
};

C.on("start", () => { $("#btn-find").addEventListener("click", Find.search); });
C.on("signed_in", () => Incoming.load());
C.on("connected", () => Incoming.load());
C.on("incoming.changed", () => Incoming.load());
C.on("order.status", (data) => {
  if (Find.order && data.order_id === Find.order.order_id && C.screen === "find") Find.open(data.order_id);
});
setInterval(() => {  // ready-at times move with the clock; never under a cashier typing a quote
  if (C.screen === "incoming" && !document.activeElement.matches(".quote-minutes")) Incoming.draw();
}, 30000);
