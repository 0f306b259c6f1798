// The kiosk's payment, loyalty sign-in, idle reset, live link to the hub, and the wiring of every button.
import {$, Kiosk, KioskState, api, dateTime, el, errorWords, money, newId, t} from "./kiosk-core.js";
import {openSocket} from "./shared/hub.js";
import {addFromDetail, applyAvailability, cart, cartMessage, closeDetail, forgetHeld, forgetRecs, isSold, linkChanged,
        loadMenu, online, renderCart, renderCartBar, renderDetail, renderPayButtons, rewardList, screen, setA11y, setLang,
        show, signature} from "./kiosk.js";

const DONE_RESET_S = 30;
const POLL_MS = 1000;
const RECEIPT_FOLLOW_S = 25;  // the done screen resets after DONE_RESET_S; a printer answers within seconds

// ---- paying -------------------------------------------------------------------------------------------

function refuseToPay() {
  if (!online()) return t("offline_pay");
  if (cart.soldLines(isSold).size) return t("sold_out_in_cart");
  if (!cart.priced) return t("sending");
  return "";
}

// Have the hub store the order (held until paid, or for the counter) before any money is asked for.
async function heldOrder(release) {
  const sig = signature() + release;
  if (KioskState.held && KioskState.held.signature === sig) return KioskState.held;
  forgetHeld();
  const body = {order_id: newId(), origin: "kiosk", fulfilment: KioskState.mode || "takeaway", lines: cart.wire(), release};
  if (KioskState.member) body.customer = {loyalty_id: KioskState.member.member_id};
  if (KioskState.member && KioskState.reward) body.redeem_points = KioskState.reward.points;
  // The member's card, scanned here, is their proof for spending points (a phone number is not).
  if (KioskState.member && KioskState.reward && KioskState.member.member_proof) body.member_proof = KioskState.member.member_proof;
  const reply = await api("POST", "/api/v1/orders", body);
  if (!reply.ok) throw new Error(reply.status === 0 ? t("offline_pay") : errorWords(reply.data));
  KioskState.held = {order_id: reply.data.order_id, number: reply.data.number, total: reply.data.total.amount, signature: sig};
  return KioskState.held;
}

async function payByCard() {
  const refusal = refuseToPay();
  if (refusal) { cartMessage(refusal, "refused"); return; }
  cartMessage("");
  show("paying");
  $("paying-amount").textContent = cart.priced ? money(cart.priced.total.amount) : "";
  $("paying-status").textContent = t("sending");
  let order;
  try {
    order = await heldOrder("when_paid");
  } catch (err) {
    backToCart(err.message);
    return;
  }
  if (!online()) { backToCart(t("offline_pay")); return; }  // the link dropped while the order was on its way
  $("paying-amount").textContent = money(order.total);
  $("paying-status").textContent = "";  // the hub holds the order: from here the terminal speaks
  const paymentId = newId();
  KioskState.payment = {payment_id: paymentId, order_id: order.order_id};
  const reply = await api("POST", `/api/v1/orders/${order.order_id}/payments`, {device_id: Kiosk.config.device_id, payment_id: paymentId});
  if (!reply.ok) {
    KioskState.payment = null;
    // The hub gave the held order up (unpaid too long): the next try places a new one.
    if (["order_cancelled", "not_found"].includes(reply.data.code)) KioskState.held = null;
    if (NO_CARD_HERE.includes(reply.data.code)) { noCardHere(); return; }
    backToCart(errorWords(reply.data));
    return;
  }
  $("paying-status").textContent = "";
  document.body.dataset.payment = "requested";
  pollPayment(paymentId);
}

async function pollPayment(paymentId) {
  while (KioskState.payment && KioskState.payment.payment_id === paymentId) {
    const reply = await api("GET", `/api/v1/payments/${paymentId}`);
    if (reply.ok) paymentChanged(reply.data);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function paymentChanged(payment) {
  const current = KioskState.payment;
  if (!current || payment.payment_id !== current.payment_id) return;
  document.body.dataset.payment = payment.state;
  if (payment.state === "checking") { $("paying-status").textContent = t("checking"); return; }
  if (payment.state === "approved") { KioskState.payment = null; paid(); return; }
  const messages = {declined: "declined", cancelled: "cancelled_payment", failed: "failed_payment", reversed: "failed_payment"};
  if (messages[payment.state]) { KioskState.payment = null; backToCart(t(messages[payment.state])); }
}

// This kiosk cannot take cards now (no terminal set up, or it is off): the order waiting for a card is let go,
// and the customer is offered the counter, where the same cart becomes a pay-at-counter order.
const NO_CARD_HERE = ["no_terminal", "terminal_offline"];

function noCardHere() {
  forgetHeld();
  const counter = KioskState.menu && KioskState.menu.settings.pay_at_counter !== "off";
  backToCart(`${t("no_card_here")} ${t(counter ? "pay_at_counter_instead" : "order_at_counter_instead")}`);
  document.body.dataset.cardHere = "no";
  renderPayButtons();
  if (counter) $("pay-counter").focus();
}

function backToCart(message) {
  document.body.dataset.payment = "";
  show("cart");
  cartMessage(message, "payment");
}

async function paid() {
  const order = KioskState.held;
  KioskState.held = null;  // paid: never cancel it
  finish(order, t("sent_to_kitchen"));
  const reply = await api("POST", `/api/v1/orders/${order.order_id}/receipt`, {device_id: Kiosk.config.device_id});
  receiptSays(reply.ok ? "receipt_printing" : "receipt_failed");
  if (reply.ok) followReceipt(order.order_id, reply.data.print.print_id);
}

function receiptSays(key) {
  $("done-receipt").dataset.t = key;
  $("done-receipt").dataset.receipt = key;
  $("done-receipt").textContent = t(key);
}

// Follow the print until the printer (or its backup) says it printed or could not, while the number is on screen.
async function followReceipt(orderId, printId) {
  const until = Date.now() + RECEIPT_FOLLOW_S * 1000;
  while (screen() === "done" && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const reply = await api("GET", `/api/v1/orders/${orderId}/prints/${printId}`);
    if (!reply.ok || screen() !== "done") continue;
    if (reply.data.state === "printed") { receiptSays("receipt_printed"); return; }
    // Held (paper out): the customer asks staff, who see to the printer; the receipt then comes out by itself.
    if (reply.data.state === "failed" || reply.data.state === "held") { receiptSays("receipt_failed"); return; }
  }
}

async function payAtCounter() {
  const refusal = refuseToPay();
  if (refusal) { cartMessage(refusal, "refused"); return; }
  let order;
  try {
    order = await heldOrder("at_counter");
  } catch (err) {
    cartMessage(err.message, "refused");
    return;
  }
  KioskState.held = null;  // the cashier takes it from here
  finish(order, t("pay_at_counter_now"));
  $("done-receipt").textContent = "";
}

function finish(order, note) {
  $("order-number").textContent = order.number;
  $("done-note").textContent = note;
  $("done-receipt").textContent = "";
  $("done-time").textContent = dateTime(new Date());
  KioskState.doneAt = Date.now();
  cart.clear();
  forgetRecs();
  show("done");
}

// ---- loyalty: a scanned member card types its code and Enter; or a phone number on the keypad -----------

async function signIn(query) {
  const reply = await api("GET", `/api/v1/loyalty/find?${query}&lang=${encodeURIComponent(Kiosk.lang)}`);
  if (!reply.ok) {
    $("loyalty").hidden = false;
    $("loyalty-signin").hidden = false;
    $("loyalty-member").hidden = true;
    $("loyalty-problem").textContent = t("member_unknown");
    return;
  }
  KioskState.member = reply.data;
  KioskState.reward = null;
  cart.changed();
  $("loyalty").hidden = false;
  renderMember();
  renderCartBar();
  if (screen() === "cart") renderCart();
}

export function renderMember() {
  const member = KioskState.member;
  $("loyalty-signin").hidden = true;
  $("loyalty-member").hidden = false;
  $("member-hello").textContent = t("member_hello", {name: member.name});
  $("member-points").textContent = t("points", {n: member.points});
  $("member-rewards").replaceChildren(...rewardList().childNodes);
}

function openLoyalty() {
  $("loyalty").hidden = false;
  if (KioskState.member) { renderMember(); return; }
  $("loyalty-signin").hidden = false;
  $("loyalty-member").hidden = true;
  $("loyalty-problem").textContent = "";
  $("phone").value = "";
}

function signOut() {
  KioskState.member = null;
  KioskState.reward = null;
  cart.changed();
  $("loyalty").hidden = true;
  renderCartBar();
  if (screen() === "cart") renderCart();
}

let scanned = "";
function onKey(event) {
  if (event.key === "Enter") {
    const code = scanned.trim();
    scanned = "";
    if (code.length >= 3 && screen() !== "attract" && screen() !== "paying") signIn(`member_id=${encodeURIComponent(code)}`);
  } else if (event.key.length === 1) {
    scanned = (scanned + event.key).slice(-64);
  }
}

function keypad() {
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "+", "0", "\u232b"];
  $("keypad").replaceChildren(...keys.map((key) => el("button", {type: "button", class: "key", "data-key": key, onclick: () => {
    const input = $("phone");
    input.value = key === "\u232b" ? input.value.slice(0, -1) : (input.value + key).slice(0, 20);
  }, text: key})));
}

// ---- idle: "still there?", then back to the attract screen with the cart cleared -------------------------

function touched() {
  KioskState.lastTouch = Date.now();
  if (KioskState.stillSince !== null) { KioskState.stillSince = null; $("still").hidden = true; }
}

function idleTick() {
  const settings = KioskState.menu ? KioskState.menu.settings : {idle_s: 60, still_there_s: 15};
  const now = Date.now();
  if (screen() === "done") {
    if (now - KioskState.doneAt > DONE_RESET_S * 1000) reset();
    return;
  }
  if (screen() === "attract" || screen() === "paying") return;  // at the terminal the customer is busy, not gone
  if (KioskState.stillSince === null) {
    if (now - KioskState.lastTouch >= settings.idle_s * 1000) { KioskState.stillSince = now; $("still").hidden = false; }
  } else {
    const left = Math.max(0, Math.ceil(settings.still_there_s - (now - KioskState.stillSince) / 1000));
    $("still-count").textContent = t("still_there_sub", {s: left});
    if (left === 0) reset();
  }
  if (KioskState.stillSince !== null && !$("still-count").textContent) $("still-count").textContent = t("still_there_sub", {s: settings.still_there_s});
}

function reset() {
  forgetHeld();
  cart.clear();
  forgetRecs();
  Object.assign(KioskState, {mode: null, member: null, reward: null, payment: null, stillSince: null, doneAt: null, detail: null});
  for (const id of ["still", "detail", "loyalty"]) $(id).hidden = true;
  $("still-count").textContent = "";
  cartMessage("");
  delete document.body.dataset.cardHere;  // the next customer may find the terminal back
  setA11y(false);
  if (Kiosk.lang !== Kiosk.config.languages[0].code) setLang(Kiosk.config.languages[0].code);
  if (KioskState.menu) KioskState.category = KioskState.menu.categories[0];
  renderCartBar();
  show("attract");
}

// ---- the live link ------------------------------------------------------------------------------------

export function connect() {
  return openSocket("/hub", {
    connect: () => {
      // Back after a drop: the hub may have restarted with a new catalog; refresh it between customers.
      if (KioskState.everConnected && screen() === "attract") loadMenu();
      Object.assign(KioskState, {socketUp: true, everConnected: true});
      Kiosk.fetchDown = false;
      linkChanged();
    },
    disconnect: () => { KioskState.socketUp = false; linkChanged(); },
    availability: (data) => {
      applyAvailability(data);
      // HQ changed the catalog: read the menu again, so new prices and items show at once.
      if (data.catalog_version && data.catalog_version !== KioskState.catalogVersion) {
        KioskState.catalogVersion = data.catalog_version;
        loadMenu();
      }
    },
    "payment.changed": paymentChanged,
  });
}

// ---- wiring -------------------------------------------------------------------------------------------

export function wire() {
  for (const type of ["pointerdown", "keydown", "touchstart"]) document.addEventListener(type, touched, {capture: true, passive: true});
  document.addEventListener("keydown", onKey);
  for (const button of document.querySelectorAll(".lang")) button.addEventListener("click", () => setLang(button.dataset.lang));
  $("a11y").addEventListener("click", () => setA11y(!document.body.classList.contains("a11y")));
  $("start").addEventListener("click", () => show("mode"));
  for (const button of document.querySelectorAll(".mode-choice")) {
    button.addEventListener("click", () => { KioskState.mode = button.dataset.mode; cart.onChange(); show("menu"); });
  }
  for (const button of document.querySelectorAll(".start-over")) button.addEventListener("click", reset);
  $("to-cart").addEventListener("click", () => show("cart"));
  $("add-more").addEventListener("click", () => show("menu"));
  $("pay-card").addEventListener("click", payByCard);
  $("pay-counter").addEventListener("click", payAtCounter);
  $("finish").addEventListener("click", reset);
  $("detail-cancel").addEventListener("click", closeDetail);
  $("detail-add").addEventListener("click", addFromDetail);
  $("qty-minus").addEventListener("click", () => { KioskState.detail.qty = Math.max(1, KioskState.detail.qty - 1); renderDetail(); });
  $("qty-plus").addEventListener("click", () => { KioskState.detail.qty = Math.min(99, KioskState.detail.qty + 1); renderDetail(); });
  $("member-button").addEventListener("click", openLoyalty);
  $("loyalty-cancel").addEventListener("click", () => { $("loyalty").hidden = true; });
  $("member-close").addEventListener("click", () => { $("loyalty").hidden = true; });
  $("member-out").addEventListener("click", signOut);
  $("phone-go").addEventListener("click", () => {
    const phone = $("phone").value.trim();
    if (phone) signIn(`phone=${encodeURIComponent(phone)}`);
  });
  $("still-yes").addEventListener("click", touched);
  keypad();
  setInterval(idleTick, 250);
}
