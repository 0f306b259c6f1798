// Tender: cash with change and the drawer, card at the counter's terminal, gift card, points, split; then the receipt.
import {$, $$, C} from "./counter.js";
import {Sale} from "./counter-sale.js";

export const Pay = {order: null, due: 0, total: 0, tenders: [], change: 0, kind: "cash", payment: null, fromSale: false, busy: false};
const FINAL_PAYMENT_STATES = ["approved", "declined", "cancelled", "failed", "reversed", "refunded"];

Pay.open = async function (order, options) {
  Pay.order = order;
  Pay.total = order.total.amount;
  Pay.due = order.total.amount;
  Pay.tenders = [];
  Pay.change = 0;
  Pay.drawer = null;
  Pay.given = null;
  Pay.payment = null;
  Pay.fromSale = Boolean(options && options.fromSale);
  Pay.kind = "cash";
  $("#qr").replaceChildren();
  $("#receipt-state").textContent = "";
  $("#card-status").textContent = "";
  $("#card-status").dataset.state = "idle";
  C.show("pay");
  await Pay.refresh();
};

Pay.refresh = async function () {  // the hub's word on what was paid and what is still due
  try {
    const answer = await C.api("GET", `/api/v1/orders/${Pay.order.order_id}/tenders`);
    Pay.tenders = answer.tenders;
    Pay.total = answer.total;
    Pay.due = Math.max(answer.due, 0);
  } catch (error) {
    C.fail(error);
  }
  Pay.draw();
};

Pay.paid = function () { return Pay.order && Pay.due <= 0; };

Pay.draw = function () {
  if (!Pay.order) return;
  $("#pay-number").textContent = Pay.order.number;
  $("#pay-total").textContent = C.money(Pay.total);
  $("#pay-due").textContent = C.money(Pay.due);
  const paid = Pay.paid();
  $("#screen-pay").dataset.state = paid ? "paid" : "open";
  $("#pay-open").hidden = paid;
  $("#pay-done").hidden = !paid;
  $("#pay-parts").replaceChildren(...Pay.tenders.map((tender) => C.el("li", {"data-kind": tender.kind},
    C.el("span", null, C.t(tender.kind)), C.el("span", null, C.money(tender.amount - (tender.refunded || 0))))));
  $("#change-box").hidden = !Pay.change;
  $("#change").textContent = C.money(Pay.change);
  $("#done-change").hidden = !Pay.change;
  $("#done-change-amount").textContent = C.money(Pay.change);
  $("#done-given").textContent = Pay.change && Pay.given ? C.t("given", {amount: C.money(Pay.given)}) : "";
  $("#drawer-state").textContent = Pay.drawer === "opening" ? C.t("drawer_opening") : "";
  for (const button of $$(".kinds [data-kind]")) button.classList.toggle("on", button.dataset.kind === Pay.kind);
  for (const panel of $$(".kind-panel")) panel.hidden = panel.dataset.panel !== Pay.kind;
  $("#btn-back-to-sale").disabled = Pay.tenders.length > 0;
  const offline = !C.online;
  for (const id of ["#btn-take-cash", "#btn-card", "#btn-gift", "#btn-points"]) $(id).disabled = offline || Pay.busy;
  Pay.drawQuick();
};

Pay.drawQuick = function () {  // exact, then the next round notes above what is due
  const unit = 10 ** C.digits();
  const amounts = [Pay.due];
  for (const note of [5, 10, 20, 50, 100]) {
    const step = note * unit;
    const up = Pay.due + (step - (Pay.due % step)) % step;  // rounded up to whole notes, in minor units
    if (up > Pay.due && !amounts.includes(up) && amounts.length < 5) amounts.push(up);
  }
  $("#cash-quick").replaceChildren(...amounts.map((amount, i) => C.el("button", {
    type: "button", "data-amount": amount, onclick: () => Pay.takeCash(amount),
  }, i === 0 ? `${C.t("exact")} ${C.money(amount)}` : C.money(amount))));
};

Pay.choose = function (kind) {
  Pay.kind = kind;
  Pay.draw();
  const field = {cash: "#cash-amount", card: "#card-amount", gift_card: "#gift-code", points: "#member-id"}[kind];
  const amountField = {cash: "#cash-amount", card: "#card-amount", gift_card: "#gift-amount", points: "#points-amount"}[kind];
  $(amountField).value = C.plainAmount(Pay.due);
  $(field).focus();
  $(field).select();
};

Pay.amountFrom = function (selector) {
  const amount = C.parseAmount($(selector).value);
  if (amount === null || amount <= 0) { C.notice(C.t("amount_invalid"), "error"); $(selector).focus(); return null; }
  return amount;
};

Pay.tender = async function (body) {
  if (Pay.busy) return null;
  Pay.busy = true;
  Pay.draw();
  try {
    const answer = await C.api("POST", `/api/v1/orders/${Pay.order.order_id}/tenders`, body);
    Pay.change = answer.change || 0;
    Pay.given = body.kind === "cash" ? body.amount : null;
    if (answer.drawer) Pay.drawer = answer.drawer;
    return answer;
  } catch (error) {
    C.fail(error);
    return null;
  } finally {
    Pay.busy = false;
    await Pay.refresh();
    Pay.afterPart();
  }
};

Pay.takeCash = function (amount) {
  if (amount === undefined) amount = Pay.amountFrom("#cash-amount");
  if (amount === null) return;
  return Pay.tender({kind: "cash", amount: amount, device_id: C.device});
};

Pay.takeGift = function () {
  const code = $("#gift-code").value.trim();
  if (!code) { C.notice(C.t("gift_code_needed"), "error"); $("#gift-code").focus(); return; }
  const amount = Pay.amountFrom("#gift-amount");
  if (amount !== null) return Pay.tender({kind: "gift_card", amount: amount, code: code});
};

Pay.lookUpMember = async function () {
  const id = $("#member-id").value.trim();
  $("#member-info").textContent = "";
  if (!id) return null;
  try {
    const member = await C.api("GET", `/api/v1/loyalty/${encodeURIComponent(id)}`);
    $("#member-info").textContent = C.t("member_points", {name: member.name, points: member.points});
    return member;
  } catch (error) {
    $("#member-info").textContent = error.message;
    return null;
  }
};

Pay.takePoints = async function () {
  const id = $("#member-id").value.trim();
  if (!id) { C.notice(C.t("member_needed"), "error"); $("#member-id").focus(); return; }
  const amount = Pay.amountFrom("#points-amount");
  if (amount !== null) await Pay.tender({kind: "points", amount: amount, code: id});
};

Pay.afterPart = function () {  // after each part: what is still due goes into the fields
  if (Pay.paid()) { Pay.done(); return; }
  for (const selector of ["#cash-amount", "#card-amount", "#gift-amount", "#points-amount"]) $(selector).value = C.plainAmount(Pay.due);
  if (Pay.tenders.length) C.notice(C.t("still_due_after", {amount: C.money(Pay.due)}), "info");
};

Pay.done = function () {
  Pay.draw();
  C.notice(C.t("order_paid", {number: Pay.order.number}), "ok");
  $("#btn-new-sale").focus();
};

// ---- card at the counter's terminal ---------------------------------------------------------------

Pay.card = async function () {
  const amount = Pay.amountFrom("#card-amount");
  if (amount === null || Pay.busy) return;
  if (Pay.payment && !FINAL_PAYMENT_STATES.includes(Pay.payment.state)) { C.notice(C.t("card_running"), "error"); return; }
  Pay.busy = true;
  Pay.draw();
  try {
    const payment = await C.api("POST", `/api/v1/orders/${Pay.order.order_id}/payments`,
                                {device_id: C.device, amount: amount, payment_id: C.uuid()});
    Pay.payment = payment;
    Pay.cardState(payment);
    Pay.poll(payment.payment_id);
  } catch (error) {
    Pay.cardState({state: "failed", refusal: error.message});
  } finally {
    Pay.busy = false;
    Pay.draw();
  }
};

Pay.cardState = function (payment) {
  const status = $("#card-status");
  status.dataset.state = payment.state;
  const words = C.t(`card_${payment.state}`);
  // The state in words; a refusal's own words when the hub refused to start it. The payment's `message` is the
  // hub's log line for IT ("check 2 got no answer ..."), not for the cashier.
  status.textContent = payment.state === "failed" && payment.refusal ? `${words} ${payment.refusal}` : words;
};

Pay.poll = async function (paymentId) {  // Socket.IO may drop an event: ask the hub too, until the payment ends
  while (Pay.payment && Pay.payment.payment_id === paymentId && !FINAL_PAYMENT_STATES.includes(Pay.payment.state)) {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    if (!Pay.payment || Pay.payment.payment_id !== paymentId) return;
    try { Pay.paymentChanged(await C.api("GET", `/api/v1/payments/${paymentId}`)); } catch (error) { /* try again */ }
  }
};

Pay.paymentChanged = async function (payment) {
  if (!Pay.payment || payment.payment_id !== Pay.payment.payment_id) return;
  if (Pay.payment.state === payment.state && !payment.message) return;
  Pay.payment = Object.assign({}, Pay.payment, payment);
  Pay.cardState(Pay.payment);
  if (payment.state === "approved") { await Pay.refresh(); Pay.afterPart(); }
};

// ---- receipts --------------------------------------------------------------------------------------

Pay.receipt = async function () {
  const state = $("#receipt-state");
  state.textContent = C.t("receipt_sending");
  try {
    const answer = await C.api("POST", `/api/v1/orders/${Pay.order.order_id}/receipt`, {device_id: C.device});
    C.followPrint(Pay.order.order_id, answer.print, (text, kind) => { state.textContent = text; state.dataset.print = kind; });
  } catch (error) {
    state.textContent = error.message;
    state.dataset.print = "failed";
  }
};

Pay.eReceipt = async function () {
  try {
    const answer = await C.api("GET", `/api/v1/orders/${Pay.order.order_id}/e-receipt`);
    const holder = C.el("figure", {class: "qr-code"});
    holder.innerHTML = answer.qr_svg;  // SVG drawn by the hub (segno), not user input
    $("#qr").replaceChildren(holder, C.el("figcaption", null, C.t("scan_for_receipt")),
                             C.el("a", {href: answer.url, class: "receipt-url", target: "_blank"}, answer.url));
  } catch (error) {
    C.fail(error);
  }
};

Pay.back = async function () {
  if (Pay.paid()) { Pay.newSale(); return; }
  if (Pay.tenders.length) { C.notice(C.t("part_paid_no_back"), "error"); return; }
  if (Pay.fromSale) {
    try { await C.api("POST", `/api/v1/orders/${Pay.order.order_id}/cancel`, {reason: C.t("cancel_reason_changed")}); }
    catch (error) { if (error.code === "already_paid") { C.fail(error); await Pay.refresh(); return; } }
    Sale.basket.order_id = C.uuid();  // the next Pay is a new order
    Sale.basket.sent = false;
    Pay.order = null;
    C.show("sale");
  } else {
    Pay.order = null;
    C.show("find");
  }
};

Pay.newSale = function () {
  if (Pay.fromSale) Sale.clear();
  Pay.order = null;
  C.show("sale");
};

C.screens.pay = {
  show() { Pay.draw(); if (!Pay.paid()) Pay.choose(Pay.kind); },
  focus() { if (!Pay.paid()) Pay.choose(Pay.kind); },
  redraw() { Pay.draw(); },
  online() { Pay.draw(); },
  key(event) {
    const key = event.key;
    if (!Pay.order) return false;
    if (Pay.paid()) {
      if (C.inField(event)) return false;
      if (key === "Enter" || key === "n" || key === "N" || key === "Escape") { Pay.newSale(); return true; }
      if (key === "r" || key === "R") { Pay.receipt(); return true; }
      if (key === "q" || key === "Q") { Pay.eReceipt(); return true; }
      return false;
    }
    const kinds = {F6: "cash", F7: "card", F8: "gift_card", F9: "points"};
    if (kinds[key]) { Pay.choose(kinds[key]); return true; }
    if (key === "Escape") { Pay.back(); return true; }
    if (key === "Enter") {
      if (Pay.kind === "cash") Pay.takeCash();
      else if (Pay.kind === "card") Pay.card();
      else if (Pay.kind === "gift_card") Pay.takeGift();
      else if (event.target.id === "member-id") Pay.lookUpMember().then(() => $("#points-amount").focus());
      else Pay.takePoints();
      return true;
    }
    return false;
  },
};

C.on("start", () => {
  for (const button of $$(".kinds [data-kind]")) button.addEventListener("click", () => Pay.choose(button.dataset.kind));
  $("#btn-take-cash").addEventListener("click", () => Pay.takeCash());
  $("#btn-card").addEventListener("click", Pay.card);
  $("#btn-gift").addEventListener("click", Pay.takeGift);
  $("#btn-points").addEventListener("click", Pay.takePoints);
  $("#member-id").addEventListener("change", Pay.lookUpMember);
  $("#btn-back-to-sale").addEventListener("click", Pay.back);
  $("#btn-receipt").addEventListener("click", Pay.receipt);
  $("#btn-ereceipt").addEventListener("click", Pay.eReceipt);
  $("#btn-new-sale").addEventListener("click", Pay.newSale);
  // Touch: the keypad types into the cash field.
  const pad = C.el("div", {class: "keys"});
  for (const key of ["7", "8", "9", "4", "5", "6", "1", "2", "3", "0", "00", ","]) {
    pad.append(C.el("button", {type: "button", class: "key", "data-key": key, onclick: () => {
      const field = $("#cash-amount");
      field.value += key === "," ? (C.plainAmount(0).includes(",") ? "," : ".") : key;
      field.focus();
    }}, key === "," ? C.plainAmount(0).replace(/\d/g, "") || "." : key));
  }
  pad.append(C.el("button", {type: "button", class: "key", "data-key": "Clear", "data-t": "clear", onclick: () => { $("#cash-amount").value = ""; }}, C.t("clear")));
  $("#cash-pad").replaceChildren(pad);
});
C.on("payment.changed", (data) => Pay.paymentChanged(data));
