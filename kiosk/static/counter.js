// The counter terminal's core: strings, money, the hub API, the live link, screens, PIN dialogs, staff, keys.
// Words, money, elements, ids and the hub link come from the shared module (shared/); C names them for the counter.
import {el} from "./shared/dom.js";
import {callHub, newId, openSocket} from "./shared/hub.js";
import {formatMoney, fractionDigits, parseAmount, plainAmount} from "./shared/money.js";
import {formatDateTime, formatTime, refusalWords, translator} from "./shared/words.js";

export const C = {
  config: JSON.parse(document.getElementById("counter-config").textContent),
  staff: null,          // {staff_id, name, role} once signed in
  token: null,          // the staff session's bearer token; kept in memory only
  screen: "signin",
  screens: {},          // name -> {show(), key(event) -> handled?, redraw()}
  online: true,
  currency: "EUR",
};
C.device = C.config.device_id;
C.lang = C.config.lang;

export const $ = (selector, root) => (root || document).querySelector(selector);
export const $$ = (selector, root) => [...(root || document).querySelectorAll(selector)];

// ---- strings, money, times --------------------------------------------------------------

C.t = translator(C.config.strings, () => C.lang);

C.el = el;

C.button = function (label, key, onclick, attrs) {
  return C.el("button", Object.assign({type: "button", onclick: onclick}, attrs || {}), label, key ? " " : null,
              key ? C.el("kbd", null, key) : null);
};

C.digits = () => fractionDigits(C.currency, C.lang);
C.money = (minor) => formatMoney(minor, C.currency, C.lang);
C.plainAmount = (minor) => plainAmount(minor, C.currency, C.lang);  // for an input field: 12.50 in the locale's way
C.parseAmount = (text) => parseAmount(text, C.currency, C.lang);    // "20", "20,5", "20.50" -> minor units, or null
C.time = (iso) => formatTime(iso, C.lang);
C.dateTime = (iso) => formatDateTime(iso, C.lang);
C.uuid = newId;

C.applyStrings = function () {
  document.documentElement.lang = C.lang;
  for (const node of $$("[data-t]")) node.textContent = C.t(node.dataset.t);
  for (const node of $$("[data-t-placeholder]")) node.placeholder = C.t(node.dataset.tPlaceholder);
  for (const node of $$("#langs button")) node.classList.toggle("on", node.dataset.lang === C.lang);
  C.setLink(C.linkState || "connecting");
};

C.setLanguage = function (lang) {
  C.lang = lang;
  document.cookie = `${C.config.lang_cookie}=${lang}; path=/; max-age=31536000; samesite=lax`;
  C.applyStrings();
  for (const screen of Object.values(C.screens)) if (screen.redraw) screen.redraw();
  for (const screen of Object.values(C.screens)) if (screen.language) screen.language();
  if (C.staff) C.showStaff();
};

// ---- notices ------------------------------------------------------------------------------

C.notice = function (text, kind) {
  const box = $("#notice");
  box.textContent = text;
  box.dataset.kind = kind || "info";
  box.hidden = !text;
  clearTimeout(C.noticeTimer);
  if (text && kind !== "error") C.noticeTimer = setTimeout(() => { box.hidden = true; }, 6000);
};

// ---- the hub API ---------------------------------------------------------------------------

class HubError extends Error {
  constructor(code, message, status, body) { super(message); this.code = code; this.status = status; this.body = body; }
}
C.HubError = HubError;

C.api = async function (method, path, body, options) {
  const reply = await callHub(method, path, body, C.token ? {"Authorization": `Bearer ${C.token}`} : {});
  if (!reply.reached) {
    C.setReachable(false);
    throw new HubError("unreachable", C.t("hub_unreachable"), 0);
  }
  const data = reply.data;
  if (reply.status >= 502 && reply.status <= 504 && !(data && data.code)) {
    C.setReachable(false);
    throw new HubError("unreachable", C.t("hub_unreachable"), reply.status);
  }
  C.setReachable(true);
  if (!reply.ok) {
    if (reply.status === 401 && C.token && !(options && options.quiet401)) C.sessionEnded();
    const code = (data && data.code) || `http_${reply.status}`;
    throw new HubError(code, C.errorWords(code), reply.status, data);
  }
  return data;
};

// A refusal's code in the till's words; the hub's own message (which names fields for integrators) stays in `body`.
C.errorWords = (code) => refusalWords(C.t, C.config.strings, code);

// ---- prints: follow one until its printer says printed, or why it could not -----------------------

const PRINT_FOLLOW_S = 60;  // the hub moves a job to the backup, or holds it for its printer, well within this
const PRINTER_PROBLEMS = {paper_out: "printer_paper_out", cover_open: "printer_cover_open", offline: "printer_offline",
                          no_hardware: "printer_offline", no_answer: "printer_no_answer", expired: "printer_no_answer"};

C.printWords = function (print) {
  if (print.state === "printed") return [C.t(print.on_backup ? "print_printed_backup" : "print_printed"), "printed"];
  if (print.state === "held") return [C.t("print_held", {why: C.t(PRINTER_PROBLEMS[print.error] || "printer_problem")}), "held"];
  if (print.state === "failed" && print.error === "held_too_long") return [C.t("print_dropped"), "failed"];
  if (print.state === "failed") return [C.t("print_failed", {why: C.t(PRINTER_PROBLEMS[print.error] || "printer_problem")}), "failed"];
  return [C.t("receipt_printing"), "printing"];
};

C.followPrint = async function (orderId, print, say) {
  say(...C.printWords(print));
  const until = Date.now() + PRINT_FOLLOW_S * 1000;
  while ((print.state === "printing" || print.state === "held") && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    try { print = await C.api("GET", `/api/v1/orders/${orderId}/prints/${print.print_id}`); } catch (error) { continue; }
    say(...C.printWords(print));
  }
};

C.fail = function (error) {  // show any error the hub (or the network) gave, in plain words
  if (!(error instanceof HubError)) console.error(error);  // a fault of this page: the cashier reads words, not a stack
  C.notice(error instanceof HubError ? error.message : C.t("error_general"), "error");
};

// ---- the live link --------------------------------------------------------------------------

C.setLink = function (state) {
  C.linkState = state;
  const link = $("#link");
  link.dataset.state = state;
  link.textContent = C.t(state === "live" ? "link_live" : state === "offline" ? "link_offline" : "connecting");
};

C.setReachable = function (reachable) {
  if (C.online === reachable) return;
  C.online = reachable;
  $("#offline").hidden = reachable;
  document.body.classList.toggle("hub-offline", !reachable);
  if (!reachable) C.setLink("offline");
  for (const screen of Object.values(C.screens)) if (screen.online) screen.online(reachable);
};

C.listeners = {};
C.on = function (event, handler) { (C.listeners[event] = C.listeners[event] || []).push(handler); };

C.connect = function () {
  const handlers = {
    connect: () => { C.setLink("live"); C.setReachable(true); C.emit("connected", {}); },
    disconnect: () => { C.setLink("offline"); C.setReachable(false); },
    connect_error: () => { C.setLink("offline"); C.setReachable(false); },
  };
  for (const event of ["order.accepted", "order.status", "payment.changed", "incoming.changed", "availability"]) {
    handlers[event] = (data) => C.emit(event, data);
  }
  // Headquarters out of reach for a while: a quiet line, since selling goes on.
  handlers["cloud.status"] = (data) => { $("#hq-offline").hidden = !data.banner; };
  C.socket = openSocket("/hub", handlers, {reconnect_attempt: () => C.setLink("offline")});
};

C.emit = function (event, data) {
  for (const handler of C.listeners[event] || []) {
    try { handler(data); } catch (error) { console.error(error); }
  }
};

// ---- screens ----------------------------------------------------------------------------------

C.show = function (name) {
  if (name !== "signin" && !C.staff) name = "signin";
  C.screen = name;
  document.body.dataset.screen = name;
  for (const node of $$(".screen")) node.hidden = node.id !== `screen-${name}`;
  for (const tab of $$("#tabs button")) tab.classList.toggle("on", tab.dataset.go === name);
  const screen = C.screens[name];
  if (screen && screen.show) screen.show();
};

// ---- PIN pads and dialogs -------------------------------------------------------------------

C.pinPad = function (container, onSubmit) {  // digits by touch or keyboard; the PIN is never shown
  let pin = "";
  const dots = C.el("div", {class: "pin-dots", "data-role": "dots"});
  const message = C.el("p", {class: "pin-message", "data-role": "message", role: "alert"});
  const keys = C.el("div", {class: "keys"});
  const draw = () => { dots.textContent = "●".repeat(pin.length) || "\u00a0"; };
  const pad = {
    type(key) {
      if (/^\d$/.test(key) && pin.length < 12) pin += key;
      else if (key === "Backspace") pin = pin.slice(0, -1);
      else if (key === "Clear") pin = "";
      else if (key === "Enter" && pin) { const typed = pin; pin = ""; draw(); onSubmit(typed, pad); return; }
      draw();
    },
    say(text) { message.textContent = text || ""; },
    clear() { pin = ""; draw(); message.textContent = ""; },
  };
  for (const key of ["1", "2", "3", "4", "5", "6", "7", "8", "9", "Clear", "0", "Enter"]) {
    const label = key === "Clear" ? C.t("clear") : key === "Enter" ? C.t("ok") : key;
    keys.append(C.el("button", {type: "button", class: `key key-${key.toLowerCase()}`, "data-key": key,
                                onclick: () => pad.type(key)}, label));
  }
  container.replaceChildren(dots, keys, message);
  draw();
  return pad;
};

C.dialog = {open: false, onKey: null, onClose: null};

C.openDialog = function (content, options) {
  const dialog = $("#dialog");
  $("#dialog-body").replaceChildren(content);
  dialog.dataset.kind = (options && options.kind) || "";
  C.dialog.open = true;
  C.dialog.onKey = (options && options.onKey) || null;
  C.dialog.onClose = (options && options.onClose) || null;
  if (!dialog.open) dialog.showModal();
  const first = $("[autofocus]", dialog) || $("input, textarea, select", dialog);
  if (first) first.focus();
};

C.closeDialog = function (cancelled) {
  const dialog = $("#dialog");
  const onClose = C.dialog.onClose;
  C.dialog.open = false;
  C.dialog.onKey = null;
  C.dialog.onClose = null;
  if (dialog.open) dialog.close();
  if (onClose) onClose(Boolean(cancelled));
  const screen = C.screens[C.screen];
  if (screen && screen.focus) screen.focus();
};

// Ask a manager for an approval: resolves to the approval token, or null when cancelled.
C.askApproval = function (action, why) {
  return new Promise((resolve) => {
    let done = false;
    const padBox = C.el("div", {class: "pinpad"});
    const box = C.el("div", {class: "approval", "data-action": action},
      C.el("h2", null, C.t("manager_pin_title")), C.el("p", {class: "why"}, why),
      padBox, C.button(C.t("cancel"), "Esc", () => C.closeDialog(true), {class: "quiet"}));
    const pad = C.pinPad(padBox, async (pin) => {
      pad.say(C.t("checking"));
      try {
        const answer = await C.api("POST", "/api/v1/staff/approvals", {pin: pin, action: action, device_id: C.device},
                                   {quiet401: true});
        done = true;
        C.closeDialog(false);
        C.notice(C.t("approved_by", {name: answer.staff.name}), "ok");
        resolve(answer.approval);
      } catch (error) {
        pad.say(C.pinError(error));
      }
    });
    C.openDialog(box, {kind: "approval", onKey: (event) => { pad.type(event.key); return true; },
                       onClose: () => { if (!done) resolve(null); }});
  });
};

C.pinError = function (error) {
  if (error.code === "wrong_pin") return C.t("wrong_pin");
  if (error.code === "locked") return C.t("locked");
  if (error.code === "not_permitted") return C.t("not_permitted");
  return error.message;
};

// ---- staff --------------------------------------------------------------------------------------

C.signIn = async function (pin, pad) {
  pad.say(C.t("checking"));
  try {
    const session = await C.api("POST", "/api/v1/staff/sessions", {pin: pin, device_id: C.device}, {quiet401: true});
    C.token = session.token;
    C.staff = session.staff;
    clearTimeout(C.expiryTimer);
    const left = Date.parse(session.expires_at) - Date.now();
    if (left > 0) C.expiryTimer = setTimeout(() => { if (C.token === session.token) C.sessionEnded(); }, Math.min(left, 2 ** 31 - 1));
    pad.clear();
    C.showStaff();
    C.emit("signed_in", C.staff);
    C.show("sale");
  } catch (error) {
    pad.say(C.pinError(error));
  }
};

C.showStaff = function () {
  const signedIn = Boolean(C.staff);
  $("#staff").hidden = !signedIn;
  $("#signout").hidden = !signedIn;
  $("#back-office").hidden = !(signedIn && C.staff.role === "manager");
  $("#tabs").hidden = !signedIn;
  if (!signedIn) return;
  $("#staff-name").textContent = C.staff.name;
  $("#staff-role").textContent = C.t(`role_${C.staff.role}`);
  $("#staff").dataset.role = C.staff.role;
};

C.signOut = async function () {
  if (C.token) {
    try { await C.api("DELETE", "/api/v1/staff/sessions/current", undefined, {quiet401: true}); }
    catch (error) { /* the session ends here whatever the hub says */ }
  }
  C.sessionEnded(true);
};

// A manager opens the back office: the hub hands their session to /admin, where they sign out to come back.
C.openBackOffice = async function () {
  try {
    const reply = await C.api("POST", "/api/v1/staff/back-office", {});
    location.href = reply.url;
  } catch (error) {
    C.fail(error);
  }
};

C.sessionEnded = function (byHand) {
  clearTimeout(C.expiryTimer);
  C.token = null;
  C.staff = null;
  C.showStaff();
  C.show("signin");
  if (!byHand) C.notice(C.t("session_ended"), "error");
};

C.screens.signin = {
  show() { C.signinPad.clear(); },
  key(event) { C.signinPad.type(event.key); return /^(\d|Backspace|Enter)$/.test(event.key); },
};

// ---- keys -----------------------------------------------------------------------------------------

C.inField = function (event) {
  const target = event.target;
  return target instanceof HTMLElement && (target.matches("input, textarea, select") || target.isContentEditable);
};

document.addEventListener("keydown", (event) => {
  if (C.dialog.open) {
    if (event.key === "Escape") { event.preventDefault(); C.closeDialog(true); return; }
    if (C.dialog.onKey && !C.inField(event) && C.dialog.onKey(event)) event.preventDefault();
    return;
  }
  if (C.staff && ["F1", "F2", "F3"].includes(event.key)) {
    event.preventDefault();
    C.show({F1: "sale", F2: "incoming", F3: "find"}[event.key]);
    return;
  }
  const screen = C.screens[C.screen];
  if (screen && screen.key && screen.key(event)) event.preventDefault();
});

// ---- start ----------------------------------------------------------------------------------------

C.start = function () {
  for (const lang of C.config.languages) {
    $("#langs").append(C.el("button", {type: "button", "data-lang": lang.code, title: lang.name,
                                       onclick: () => C.setLanguage(lang.code)}, lang.code.toUpperCase()));
  }
  C.signinPad = C.pinPad($("#signin-pad"), C.signIn);
  $("#signout").addEventListener("click", C.signOut);
  $("#back-office").addEventListener("click", C.openBackOffice);
  for (const tab of $$("#tabs button")) tab.addEventListener("click", () => C.show(tab.dataset.go));
  $("#dialog").addEventListener("cancel", (event) => { event.preventDefault(); C.closeDialog(true); });
  C.applyStrings();
  C.connect();
  C.emit("start", {});
  C.show("signin");
};

window.addEventListener("DOMContentLoaded", C.start);
