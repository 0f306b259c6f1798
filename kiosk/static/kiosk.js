// The kiosk: attract, eat in / take away, menu, item detail, cart, loyalty, card payment, order number.
// Money is taken only for an order the hub has stored (held until paid); nothing is paid while the hub is out of reach.
// The page's one entry module: the screens and the menu are here, the cart in kiosk-cart.js, payment, loyalty, the
// idle reset and the live link in kiosk-pay.js, state, words and calls in kiosk-core.js; it starts the page last.
import {$, Kiosk, KioskState, api, el, hintText, money, t} from "./kiosk-core.js";
import {Cart, renderCartScreen} from "./kiosk-cart.js";
import {connect, renderMember, wire} from "./kiosk-pay.js";

export const cart = new Cart(() => { renderCartBar(); if (screen() === "cart") renderCart(); }, () => forgetHeld());
window.KioskState = KioskState;  // read by the browser tests (the order held for payment)
window.cart = cart;              // read by bench/kiosk.py (tap-to-priced timings)

export function screen() { return document.body.dataset.screen; }

export function show(name) {
  document.body.dataset.screen = name;
  if (name === "cart") renderCart();
  if (name === "menu") renderMenu();
  window.scrollTo(0, 0);
}

export function online() { return KioskState.socketUp && !Kiosk.fetchDown; }

let pinging = false;
export function linkChanged() {
  if (Kiosk.fetchDown && KioskState.socketUp && !pinging) {
    // A call failed while the live link stayed up: ask again until the hub answers.
    pinging = true;
    setTimeout(async () => {
      await api("GET", "/api/v1/availability");
      pinging = false;
      if (Kiosk.fetchDown) linkChanged();
    }, 2000);
  }
  document.body.dataset.link = online() ? "live" : "offline";
  // A page just opened is still connecting: say nothing for the first seconds unless a call failed.
  const starting = !KioskState.everConnected && !Kiosk.fetchDown && Date.now() - KioskState.openedAt < 3000;
  $("offline").hidden = online() || starting;
  renderPayButtons();
}
Kiosk.onLinkChange = linkChanged;

// ---- language and accessibility -------------------------------------------------------------------

export function setLang(lang) {
  Kiosk.lang = lang;
  document.documentElement.lang = lang;
  document.cookie = `${Kiosk.config.lang_cookie}=${lang}; path=/; max-age=31536000; SameSite=Lax`;
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  for (const button of document.querySelectorAll(".lang")) button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
  rerender();
  if (KioskState.menus) menuIn(lang);
  if (cart.lines.length) cart.price();  // tax, deal and item names in the new language
}

function rerender() {
  renderCartBar();
  if (KioskState.menu) renderMenu();
  if (screen() === "cart") renderCart();
  if (!$("detail").hidden) renderDetail();
  if (!$("loyalty").hidden && KioskState.member) renderMember();
  if (screen() === "paying" && KioskState.held) $("paying-amount").textContent = money(KioskState.held.total);
}

export function setA11y(on) {
  document.body.classList.toggle("a11y", on);
  $("a11y").setAttribute("aria-pressed", String(on));
}

// ---- menu -------------------------------------------------------------------------------------------

// The menu comes in the customer's language (names, options, allergens); each language is read once per catalog.
export async function loadMenu() {
  KioskState.menus = {};
  const reply = await api("GET", `${Kiosk.config.menu_url}&lang=${encodeURIComponent(Kiosk.lang)}`);
  if (!reply.ok) { setTimeout(loadMenu, 2000); return; }
  KioskState.menus[Kiosk.lang] = reply.data;
  useMenu(reply.data);
  applyAvailability(reply.data.availability);
  KioskState.category = reply.data.categories[0];
  renderMenu();
  renderCartBar();
  document.body.dataset.readyMs = performance.now().toFixed(1);  // since navigation started (bench/kiosk.py)
  document.body.dataset.ready = "1";
}

function useMenu(menu) {
  KioskState.menu = menu;
  Kiosk.currency = menu.currency;
  KioskState.items = new Map(menu.items.map((item) => [item.sku, item]));
  if (KioskState.detail) KioskState.detail.item = KioskState.items.get(KioskState.detail.item.sku) || KioskState.detail.item;
  if (KioskState.member) {  // the signed-in member's rewards, named in this language
    const named = new Map(menu.loyalty.rewards.map((r) => [r.code, r.name]));
    for (const reward of KioskState.member.rewards) reward.name = named.get(reward.code) || reward.name;
  }
  document.body.dataset.menuLang = menu.lang;
}

async function menuIn(lang) {
  if (!KioskState.menus[lang]) {
    const reply = await api("GET", `${Kiosk.config.menu_url}&lang=${encodeURIComponent(lang)}`);
    if (!reply.ok) return;
    KioskState.menus[lang] = reply.data;
  }
  if (Kiosk.lang !== lang) return;  // switched again meanwhile
  useMenu(KioskState.menus[lang]);
  rerender();
}

export function isSold(sku) {
  if (KioskState.sold.has(sku)) return true;
  const item = KioskState.items.get(sku);
  return Boolean(item && item.parts.some((part) => KioskState.sold.has(part.sku)));
}

export function applyAvailability(data) {
  const sold = new Set(data.sold_out);
  for (const [sku, left] of Object.entries(data.stock || {})) if ((left.kiosk ?? 1) <= 0) sold.add(sku);
  KioskState.sold = sold;
  document.body.dataset.soldOut = [...sold].sort().join(",");
  if (KioskState.menu) renderMenu();
  renderCartBar();
  if (screen() === "cart") renderCart();
}

function imageOf(item) {
  // Pictures come from the hub itself (every asset local); anything else gets the category's drawing.
  if (item.image && item.image.startsWith("/kiosk/static/")) return item.image;
  return `${Kiosk.config.img_base}${item.category}.svg`;
}

function categoryName(code) {
  const key = `cat_${code}`;
  const text = t(key);
  if (text !== key) return text;
  const named = KioskState.menu && KioskState.menu.category_names && KioskState.menu.category_names[code];
  return named || code.replace(/-/g, " ");
}

function marks(item) {
  // The page's own word for a mark it knows, else the catalog's word in the customer's language.
  return el("span", {class: "marks"}, item.dietary.map((d, i) => el("span", {class: `mark diet-${d}`,
    text: t(`diet_${d}`) === `diet_${d}` ? (item.dietary_names || item.dietary)[i] : t(`diet_${d}`)})));
}

function tile(item, onTap) {
  const sold = isSold(item.sku);
  return el("button", {type: "button", class: sold ? "tile sold" : "tile", "data-sku": item.sku, "aria-disabled": sold ? "true" : null,
                       onclick: () => { if (!isSold(item.sku)) onTap(item); }},
    el("img", {src: imageOf(item), alt: "", loading: "lazy", onerror: (e) => { e.target.src = `${Kiosk.config.img_base}general.svg`; }}),
    el("span", {class: "tile-name", text: item.name}),
    el("span", {class: "tile-price", text: money(item.price)}),
    marks(item),
    sold ? el("span", {class: "sold-badge", text: t("sold_out")}) : null);
}

function renderMenu() {
  const menu = KioskState.menu;
  if (!menu) return;
  $("cats").replaceChildren(...menu.categories.map((code) => el("button", {
    type: "button", class: "cat", "data-cat": code, "aria-pressed": String(code === KioskState.category),
    onclick: () => { KioskState.category = code; renderMenu(); }, text: categoryName(code)})));
  const shown = menu.items.filter((item) => item.category === KioskState.category);
  $("grid").replaceChildren(...shown.map((item) => tile(item, openDetail)));
  renderRecs();
}

export function renderCartBar() {
  const count = cart.count();
  $("cartbar-count").textContent = count === 1 ? t("one_item") : count ? t("items_count", {n: count}) : "";
  $("cartbar-total").textContent = cart.priced ? money(cart.priced.total.amount) : "";
  $("cartbar-hint").textContent = cart.priced && cart.priced.hints.length ? hintText(cart.priced.hints[0]) : "";
  $("to-cart").disabled = count === 0;
  const chip = $("member-chip");
  chip.hidden = !KioskState.member;
  if (KioskState.member) chip.textContent = `${KioskState.member.name} \u00b7 ${t("points", {n: KioskState.member.points})}`;
}

// ---- recommendations --------------------------------------------------------------------------------

let recsFor = "";
let recItems = [];

export function forgetRecs() { recItems = []; }

async function loadRecs() {
  const skus = cart.skus().join(",");
  recsFor = skus;
  const reply = await api("GET", `/api/v1/recommendations?channel=kiosk&limit=3&skus=${encodeURIComponent(skus)}`);
  if (!reply.ok || recsFor !== skus) return;
  recItems = reply.data.items;
  renderRecs();
}

function renderRecs() {
  const inCart = new Set(cart.skus());
  const shown = recItems.filter((item) => !inCart.has(item.sku) && !isSold(item.sku) && KioskState.items.has(item.sku));
  $("recs").hidden = shown.length === 0;
  $("recs").querySelector(".rec-list").replaceChildren(...shown.map((item) => tile(KioskState.items.get(item.sku), openDetail)));
}

// ---- item detail: modifier groups with their minimum and maximum --------------------------------------

function openDetail(item) {
  KioskState.detail = {item, chosen: new Set(), qty: 1, tried: false};  // tried: the customer tapped Add once
  $("detail").hidden = false;
  renderDetail();
}

export function closeDetail() { $("detail").hidden = true; KioskState.detail = null; }

function groupsOf(item) {
  const groups = item.groups.map((g) => ({...g, options: item.modifiers.filter((m) => m.group === g.code)}));
  const loose = item.modifiers.filter((m) => !m.group);
  if (loose.length) groups.push({code: "", name: t("extras"), min: 0, max: null, options: loose});
  return groups;
}

function groupRule(g) {
  if (g.min > 0 && g.max === g.min) return t("choose_exactly", {n: g.min});
  if (g.min > 0) return t("choose_at_least", {n: g.min});
  if (g.max) return `${t("optional")} \u00b7 ${t("choose_up_to", {n: g.max})}`;
  return t("optional");
}

function detailProblem(d) {
  for (const g of groupsOf(d.item)) {
    const count = g.options.filter((m) => d.chosen.has(m.code)).length;
    if (count < g.min) return t("needs_choice", {group: g.name});
  }
  return "";
}

function toggleModifier(group, option) {
  const d = KioskState.detail;
  if (d.chosen.has(option.code)) {
    d.chosen.delete(option.code);
    for (const m of d.item.modifiers) if (m.parent === option.code) d.chosen.delete(m.code);
  } else {
    const picked = group.options.filter((m) => d.chosen.has(m.code));
    if (group.max === 1 && picked.length === 1) d.chosen.delete(picked[0].code);  // one of: the new choice replaces
    else if (group.max && picked.length >= group.max) {
      $("detail-problem").textContent = t("too_many", {n: group.max, group: group.name});
      return;
    }
    d.chosen.add(option.code);
  }
  renderDetail();
}

export function renderDetail() {
  const d = KioskState.detail;
  if (!d) return;
  const item = d.item;
  $("detail-img").src = imageOf(item);
  $("detail-name").textContent = item.name;
  const unit = item.price + item.modifiers.filter((m) => d.chosen.has(m.code)).reduce((s, m) => s + m.price_delta, 0);
  $("detail-price").textContent = money(unit * d.qty);
  const info = [];
  if (item.parts.length) info.push(t("includes", {list: item.parts.map((p) => p.name).join(", ")}));
  if (item.allergens.length) info.push(t("contains", {list: (item.allergen_names || item.allergens).join(", ")}));
  $("detail-marks").replaceChildren(marks(item), el("span", {text: info.join(" \u00b7 ")}));
  $("detail-description").textContent = item.description || "";
  $("detail-description").hidden = !item.description;
  $("detail-groups").replaceChildren(...groupsOf(item).map((g) => el("fieldset", {class: "group", "data-group": g.code || "extras"},
    el("legend", {}, el("span", {class: "group-name", text: g.name}), " ", el("span", {class: "group-rule", text: groupRule(g)})),
    el("div", {class: "options"}, g.options.map((m) => {
      const parent = m.parent && item.modifiers.find((p) => p.code === m.parent);
      const blocked = parent && !d.chosen.has(parent.code);
      return el("button", {type: "button", class: "option", "data-code": m.code, "aria-pressed": String(d.chosen.has(m.code)),
                           disabled: blocked, onclick: () => toggleModifier(g, m)},
        el("span", {text: m.name}),
        m.price_delta ? el("span", {class: "delta", text: `+${money(m.price_delta)}`}) : null,
        blocked ? el("span", {class: "needs", text: t("needs_parent", {parent: parent.name})}) : null);
    })))));
  $("qty").textContent = String(d.qty);
  $("qty-minus").disabled = d.qty <= 1;
  const problem = detailProblem(d);
  // A required choice is a rule (shown beside its group) until the customer tries to add without it.
  $("detail-problem").textContent = d.tried ? problem : "";
  $("detail-add").textContent = `${t("add_to_order")} \u00b7 ${money(unit * d.qty)}`;
  $("detail-add").classList.toggle("blocked", Boolean(problem));  // still tappable: a tap says what is missing
}

export function addFromDetail() {
  const d = KioskState.detail;
  const problem = isSold(d.item.sku) ? t("sold_out") : detailProblem(d);
  if (problem) {
    d.tried = true;
    $("detail-problem").textContent = problem;
    $("detail-problem").classList.remove("shake");
    void $("detail-problem").offsetWidth;  // restart the shake on every tap
    $("detail-problem").classList.add("shake");
    return;
  }
  const codes = d.item.modifiers.filter((m) => d.chosen.has(m.code)).map((m) => m.code);
  cart.add(d.item, codes, d.qty);
  closeDetail();
  loadRecs();
}

// ---- cart ---------------------------------------------------------------------------------------------

export function renderCart() {
  const sold = renderCartScreen(cart, KioskState.items, isSold);
  renderRewards();
  const message = $("cart-message");
  if (sold.size) { message.hidden = false; message.textContent = t("sold_out_in_cart"); message.dataset.kind = "sold"; }
  else if (message.dataset.kind === "sold") { message.hidden = true; message.dataset.kind = ""; }
  renderPayButtons();
}

export function renderPayButtons() {
  const blocked = !online() || !cart.lines.length || !cart.priced || cart.soldLines(isSold).size > 0;
  $("pay-card").disabled = blocked || document.body.dataset.cardHere === "no";
  const counter = KioskState.menu && KioskState.menu.settings.pay_at_counter !== "off";
  $("pay-counter").hidden = !counter;
  $("pay-counter").disabled = blocked;
  // No card here: paying at the counter becomes the way on, and looks it.
  $("pay-counter").classList.toggle("primary", document.body.dataset.cardHere === "no");
  $("pay-counter").classList.toggle("secondary", document.body.dataset.cardHere !== "no");
}

export function cartMessage(text, kind) {
  const message = $("cart-message");
  message.hidden = !text;
  message.textContent = text || "";
  message.dataset.kind = kind || "";
}

function renderRewards() {
  const panel = $("rewards-panel");
  const member = KioskState.member;
  panel.hidden = !member;
  if (!member) return;
  panel.replaceChildren(el("strong", {text: `${t("member_hello", {name: member.name})} \u00b7 ${t("points", {n: member.points})}`}),
    rewardList());
}

export function rewardList() {
  const member = KioskState.member;
  if (!member.rewards.length) return el("p", {text: t("no_rewards")});
  return el("ul", {class: "reward-list"}, member.rewards.map((r) => {
    const chosen = KioskState.reward && KioskState.reward.code === r.code;
    return el("li", {class: chosen ? "reward chosen" : "reward", "data-reward": r.code},
      el("span", {text: `${r.name} (${t("points", {n: r.points})})`}),
      chosen ? el("button", {type: "button", class: "secondary", onclick: () => chooseReward(null), text: t("undo")})
        : r.redeemable ? el("button", {type: "button", class: "primary redeem", onclick: () => chooseReward(r), text: t("redeem")})
          : el("span", {class: "needs", text: t("needs_points", {n: r.points})}));
  }));
}

function chooseReward(reward) {
  KioskState.reward = reward;
  cart.changed();
  renderRewards();
  if (!$("loyalty").hidden) renderMember();
}

// An order the hub holds for payment belongs to one cart: change the cart and it is cancelled.
export function signature() {
  return cart.signature([KioskState.mode, KioskState.member && KioskState.member.member_id, KioskState.reward && KioskState.reward.points]);
}

export function forgetHeld() {
  const held = KioskState.held;
  if (!held) return;
  KioskState.held = null;
  api("POST", `/api/v1/orders/${held.order_id}/cancel`, {reason: "the customer changed the order at the kiosk"});
}

// ---- start --------------------------------------------------------------------------------------------

wire();
linkChanged();
setTimeout(linkChanged, 3100);
loadMenu();
connect();
