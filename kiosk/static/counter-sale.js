// A new sale: catalog, search and barcode scan, the basket priced live by the hub, keys, and on to payment.
import {$, $$, C} from "./counter.js";
import {Pay} from "./counter-pay.js";

export const Sale = {
  items: [], bySku: new Map(), byGtin: new Map(), categories: [], category: null,
  basket: null, selected: -1, priced: null, priceSeq: 0, submitting: false,
};

Sale.newBasket = function () {
  return {order_id: C.uuid(), lines: [], discounts: [], approval: null, fulfilment: "takeaway", label: null, sent: false};
};
Sale.basket = Sale.newBasket();

// ---- catalog -------------------------------------------------------------------------------

Sale.loadCatalog = async function () {
  try {
    // The same menu the kiosk reads, at counter prices; what is sold out comes with it.
    const catalog = await C.api("GET", `/api/v1/menu?channel=counter&lang=${encodeURIComponent(C.lang)}`);
    C.currency = catalog.currency;
    Sale.items = catalog.items;
    Sale.applyAvailability(catalog.availability);
    Sale.bySku = new Map(catalog.items.map((item) => [item.sku, item]));
    Sale.byGtin = new Map(catalog.items.filter((item) => item.gtin).map((item) => [item.gtin, item]));
    Sale.categories = catalog.categories;
    Sale.categoryNames = catalog.category_names || {};
    document.body.dataset.menuLang = catalog.lang;
    Sale.drawCatalog();
    Sale.draw();
  } catch (error) {
    C.fail(error);
  }
};

Sale.categoryName = function (code) {
  const key = `cat_${code.replace(/-/g, "_")}`;
  const text = C.t(key);
  if (text !== key) return text;
  return (Sale.categoryNames && Sale.categoryNames[code]) || code.replace(/-/g, " ");
};

Sale.drawCatalog = function () {
  const nav = $("#categories");
  nav.replaceChildren(...[null, ...Sale.categories].map((code) =>
    C.el("button", {type: "button", class: Sale.category === code ? "on" : "", "data-category": code || "",
                    onclick: () => { Sale.category = code; Sale.drawCatalog(); Sale.focus(); }},
         code ? Sale.categoryName(code) : C.t("all"))));
  const query = $("#search").value.trim().toLowerCase();
  const shown = Sale.items.filter((item) => (!Sale.category || item.category === Sale.category) && (!query
    || item.name.toLowerCase().includes(query) || item.sku.toLowerCase().includes(query) || (item.gtin || "").includes(query)));
  // In 86 mode every tile is a switch: one tap marks the item sold out, or brings it back.
  const mode86 = Sale.soldOutMode;
  $("#tiles").classList.toggle("mode-86", mode86);
  $("#tiles").replaceChildren(...shown.map((item) => C.el("button", {
    type: "button", class: `tile${item.sold_out ? " sold-out" : ""}`, "data-sku": item.sku, disabled: item.sold_out && !mode86,
    onclick: () => { if (mode86) { Sale.toggleSoldOut(item); return; } Sale.add(item.sku); Sale.focus(); },
  }, C.el("span", {class: "tile-name"}, item.name), C.el("span", {class: "tile-price"}, C.money(item.price)),
     item.sold_out ? C.el("span", {class: "tile-out"}, C.t("sold_out")) : null)));
  Sale.shown = shown;
};

// A keyboard-wedge scanner types the code and Enter into the search box; so does a cashier who knows a SKU.
Sale.enter = function () {
  const box = $("#search");
  const code = box.value.trim();
  if (!code) { if (Sale.selected >= 0) Sale.editLine(Sale.selected); return; }
  const item = Sale.byGtin.get(code) || Sale.bySku.get(code) || Sale.bySku.get(code.toUpperCase())
    || (Sale.shown.length === 1 ? Sale.shown[0] : null);
  if (!item && Sale.shown.length > 1) { C.notice(C.t("several_match", {n: Sale.shown.length}), "info"); return; }
  if (!item) { C.notice(C.t("not_found_code", {code: code}), "error"); box.select(); return; }
  box.value = "";
  Sale.drawCatalog();
  Sale.add(item.sku);
};

// ---- the basket --------------------------------------------------------------------------------

Sale.add = function (sku) {
  const item = Sale.bySku.get(sku);
  if (!item) return;
  if (item.sold_out) { C.notice(C.t("is_sold_out", {name: item.name}), "error"); return; }
  const lines = Sale.basket.lines;
  const same = lines.findIndex((line) => line.sku === sku && !line.modifiers.length && !line.note
    && !Sale.basket.discounts.some((d) => d.line === lines.indexOf(line)));
  if (same >= 0 && lines[same].qty < 99) { lines[same].qty += 1; Sale.selected = same; }
  else { lines.push({sku: sku, qty: 1, modifiers: [], note: null}); Sale.selected = lines.length - 1; }
  Sale.changed();
};

Sale.setQty = function (index, qty) {
  const line = Sale.basket.lines[index];
  if (!line) return;
  if (qty < 1) { Sale.voidLine(index); return; }
  line.qty = Math.min(qty, 99);
  Sale.changed();
};

Sale.voidLine = function (index) {
  const basket = Sale.basket;
  if (!basket.lines[index]) { C.notice(C.t("select_line_first"), "error"); return; }
  basket.lines.splice(index, 1);
  basket.discounts = basket.discounts.filter((d) => d.line !== index)
    .map((d) => (d.line !== null && d.line > index ? Object.assign({}, d, {line: d.line - 1}) : d));
  Sale.selected = Math.min(index, basket.lines.length - 1);
  Sale.changed();
};

Sale.changed = function () {
  if (Sale.basket.sent) { Sale.basket.order_id = C.uuid(); Sale.basket.sent = false; }  // a new basket is a new order
  Sale.draw();
  Sale.price();
};

Sale.request = function () {  // the basket as the hub takes it, for pricing and for the order
  const basket = Sale.basket;
  const body = {lines: basket.lines.map((line) => {
    const out = {sku: line.sku, qty: line.qty, modifiers: line.modifiers};
    if (line.note) out.note = line.note;
    return out;
  })};
  if (basket.discounts.length) body.discounts = basket.discounts.map((d) => ({line: d.line, percent: d.percent, amount: d.amount, reason: d.reason}));
  if (basket.approval) body.approval = basket.approval;
  return body;
};

Sale.price = async function () {
  const seq = ++Sale.priceSeq;
  if (!Sale.basket.lines.length) { Sale.priced = null; Sale.draw(); return; }
  try {
    const priced = await C.api("POST", `/api/v1/baskets/price?lang=${encodeURIComponent(C.lang)}`,
                               Object.assign({channel: "counter"}, Sale.request()));
    if (seq !== Sale.priceSeq) return;  // a later tap was priced meanwhile
    Sale.priced = priced;
    Sale.priceError = null;
  } catch (error) {
    if (seq !== Sale.priceSeq) return;
    Sale.priced = null;
    Sale.priceError = error.message;
  }
  Sale.draw();
};

Sale.pricedLine = function (index) {
  return Sale.priced ? Sale.priced.lines.find((line) => line.index === index) : null;
};

Sale.modifierName = function (item, code) {
  const found = item && item.modifiers.find((m) => m.code === code);
  return found ? found.name : code;
};

Sale.draw = function () {
  const basket = Sale.basket;
  $("#lines").replaceChildren(...basket.lines.map((line, index) => {
    const item = Sale.bySku.get(line.sku) || {name: line.sku, modifiers: []};
    const priced = Sale.pricedLine(index);
    const modifiers = priced ? priced.modifiers : line.modifiers;
    const discount = basket.discounts.find((d) => d.line === index);
    return C.el("li", {class: `line${index === Sale.selected ? " selected" : ""}`, "data-index": index, "data-sku": line.sku,
                       onclick: (event) => Sale.tapLine(index, event)},
      C.el("div", {class: "line-main"},
        C.el("span", {class: "qty"}, `${line.qty}×`), C.el("span", {class: "name"}, item.name),
        C.el("span", {class: "amount"}, priced ? C.money(priced.amount.amount) : "…")),
      modifiers.length ? C.el("div", {class: "mods"}, modifiers.map((code) => `+ ${Sale.modifierName(item, code)}`).join("  ")) : null,
      line.note ? C.el("div", {class: "note"}, `› ${line.note}`) : null,
      discount ? C.el("div", {class: "line-discount"}, `${Sale.discountText(discount)} · ${discount.reason}`) : null,
      index === Sale.selected ? C.el("div", {class: "line-tools"},
        C.el("button", {type: "button", class: "minus", "aria-label": "-1", onclick: () => Sale.setQty(index, line.qty - 1)}, "−"),
        C.el("button", {type: "button", class: "plus", "aria-label": "+1", onclick: () => Sale.setQty(index, line.qty + 1)}, "+"),
        C.el("button", {type: "button", class: "edit", onclick: () => Sale.editLine(index)}, C.t("edit"), " ", C.el("kbd", null, "Enter")))
        : null);
  }));
  const priced = Sale.priced;
  const adjustments = priced ? priced.discounts.map((d) => C.el("li", {class: "adjustment"},
    C.el("span", null, d.name), C.el("span", null, `−${C.money(d.amount.amount)}`))) : [];
  const orderDiscount = basket.discounts.find((d) => d.line === null);
  if (orderDiscount && !priced) adjustments.push(C.el("li", {class: "adjustment"}, `${Sale.discountText(orderDiscount)} · ${orderDiscount.reason}`));
  $("#adjustments").replaceChildren(...adjustments);
  $("#hints").replaceChildren(...(priced ? priced.hints.map((h) => C.el("li", null, Sale.hintText(h))) : []),
    ...(Sale.priceError ? [C.el("li", {class: "error"}, Sale.priceError)] : []));
  $("#subtotal").textContent = priced ? C.money(priced.subtotal.amount) : "";
  $("#discount-total").textContent = priced && priced.discount.amount ? `−${C.money(priced.discount.amount)}` : "";
  $("#discount-row").hidden = !(priced && priced.discount.amount);
  $("#tax").textContent = priced ? C.money(priced.tax.amount) : "";
  $("#total").textContent = priced ? C.money(priced.total.amount) : (basket.lines.length ? "…" : C.money(0));
  $("#pay-amount").textContent = priced ? C.money(priced.total.amount) : "";
  $("#approval-needed").hidden = !(priced && priced.approval_required && !basket.approval);
  $("#held-label").textContent = basket.label ? C.t("recalled_label", {label: basket.label}) : "";
  for (const button of $$("#fulfilment button")) button.classList.toggle("on", button.dataset.fulfilment === basket.fulfilment);
  $("#btn-pay").disabled = !basket.lines.length || !priced || !C.online || Sale.submitting;
  $("#btn-later").disabled = $("#btn-pay").disabled;
  const selectedNode = $("#lines .line.selected");
  if (selectedNode) selectedNode.scrollIntoView({block: "nearest"});
};

Sale.discountText = function (discount) {
  return discount.percent !== null && discount.percent !== undefined ? `−${discount.percent} %` : `−${C.money(discount.amount)}`;
};

Sale.tapLine = function (index, event) {
  if (event.target.closest("button")) return;
  if (Sale.selected === index) { Sale.editLine(index); return; }
  Sale.selected = index;
  Sale.draw();
};

Sale.clear = function () {
  Sale.basket = Sale.newBasket();
  Sale.selected = -1;
  Sale.priced = null;
  Sale.priceError = null;
  Sale.priceSeq += 1;
  Sale.draw();
};

// ---- screen, keys ---------------------------------------------------------------------------------

Sale.focus = function () { if (C.screen === "sale" && !C.dialog.open) $("#search").focus(); };

C.screens.sale = {
  show() { Sale.draw(); Sale.focus(); },
  focus: Sale.focus,
  redraw() { Sale.drawCatalog(); Sale.draw(); },
  language() { Sale.loadCatalog().then(() => Sale.price()); },  // catalog words and the priced basket in the new language
  online() { Sale.draw(); },
  key(event) {
    const key = event.key;
    const search = $("#search");
    const inSearch = event.target === search;
    const empty = !search.value;
    if (key === "F4") { Sale.recall(); return true; }
    if (key === "F6") { Sale.hold(); return true; }
    if (key === "F7") { Sale.discount(); return true; }
    if (key === "F8") { Sale.voidLine(Sale.selected); return true; }
    if (key === "F9") { Sale.pay(false); return true; }
    if (C.inField(event) && !inSearch) return false;
    if (key === "Enter" && (inSearch || Sale.selected >= 0)) { Sale.enter(); return true; }
    if ((key === "ArrowDown" || key === "ArrowUp") && Sale.basket.lines.length) {
      const step = key === "ArrowDown" ? 1 : -1;
      Sale.selected = Math.max(0, Math.min(Sale.basket.lines.length - 1, Sale.selected + step));
      Sale.draw();
      return true;
    }
    if ((key === "+" || key === "-") && empty && Sale.selected >= 0) {
      Sale.setQty(Sale.selected, Sale.basket.lines[Sale.selected].qty + (key === "+" ? 1 : -1));
      return true;
    }
    if (key === "Delete" && empty && Sale.selected >= 0) { Sale.voidLine(Sale.selected); return true; }
    if (!inSearch && (key === "/" || (key.length === 1 && !event.ctrlKey && !event.altKey && !event.metaKey))) {
      search.focus();  // typing anywhere (a scanner, too) goes to the search box
      return key === "/";
    }
    return false;
  },
};

// ---- to payment -----------------------------------------------------------------------------------

Sale.pay = async function (later) {  // later: a table that pays at the end goes to the kitchen now
  const basket = Sale.basket;
  if (!basket.lines.length) { C.notice(C.t("basket_empty"), "error"); return; }
  if (!C.online) { C.notice(C.t("hub_unreachable"), "error"); return; }
  if (Sale.submitting) return;
  if (Sale.priced && Sale.priced.approval_required && !basket.approval) {
    const approval = await C.askApproval("discount", C.t("discount_over_limit", {limit: C.config.discount_limit_percent}));
    if (!approval) return;
    basket.approval = approval;
  }
  Sale.submitting = true;
  Sale.draw();
  try {
    const body = Object.assign({order_id: basket.order_id, origin: "counter", fulfilment: basket.fulfilment,
                                release: later === true ? "now" : "when_paid"}, Sale.request());
    basket.sent = true;
    let order;
    try {
      order = await C.api("POST", "/api/v1/orders", body);
    } catch (error) {
      if (error.code !== "approval_required") throw error;
      const approval = await C.askApproval("discount", error.message);
      if (!approval) return;
      basket.approval = approval;
      basket.order_id = C.uuid();
      order = await C.api("POST", "/api/v1/orders", Object.assign(body, {order_id: basket.order_id, approval: approval}));
    }
    if (later === true) {
      C.notice(C.t("sent_pay_later", {number: order.number}), "ok");
      Sale.clear();
      return;
    }
    Pay.open(order, {fromSale: true});
  } catch (error) {
    C.fail(error);
  } finally {
    Sale.submitting = false;
    Sale.draw();
  }
};

Sale.confirmClear = function () {
  if (!Sale.basket.lines.length) return;
  C.openDialog(C.el("div", {class: "confirm"}, C.el("h2", null, C.t("clear_sale_q")),
    C.el("div", {class: "actions"}, C.button(C.t("cancel"), "Esc", () => C.closeDialog(true), {class: "quiet"}),
      C.button(C.t("clear_sale"), "Enter", () => { C.closeDialog(false); Sale.clear(); }, {class: "danger", id: "clear-yes"}))),
  {kind: "confirm", onKey: (event) => { if (event.key === "Enter") { C.closeDialog(false); Sale.clear(); return true; } return false; }});
};

// ---- wiring -----------------------------------------------------------------------------------------

C.on("start", () => {
  $("#search").addEventListener("input", () => Sale.drawCatalog());
  $("#btn-discount").addEventListener("click", () => Sale.discount());
  $("#btn-void").addEventListener("click", () => Sale.voidLine(Sale.selected));
  $("#btn-hold").addEventListener("click", Sale.hold);
  $("#btn-recall").addEventListener("click", Sale.recall);
  $("#btn-clear").addEventListener("click", Sale.confirmClear);
  $("#btn-86").addEventListener("click", () => Sale.setSoldOutMode(!Sale.soldOutMode));
  $("#btn-pay").addEventListener("click", () => Sale.pay(false));
  $("#btn-later").addEventListener("click", () => Sale.pay(true));
  for (const button of $$("#fulfilment button")) {
    button.addEventListener("click", () => { Sale.basket.fulfilment = button.dataset.fulfilment; Sale.changed(); Sale.focus(); });
  }
  Sale.loadCatalog();
  Sale.draw();
});
C.on("connected", () => { if (Sale.items.length) Sale.loadCatalog(); });
// Sold out: by hand, unavailable, or no units left for the counter (stock kept back for other channels).
Sale.applyAvailability = function (data) {
  const out = new Set(data.sold_out);
  for (const [sku, left] of Object.entries(data.stock || {})) if ((left.counter ?? 1) <= 0) out.add(sku);
  const byHand = new Set(data.by_hand || []);
  for (const item of Sale.items || []) { item.sold_out = out.has(item.sku); item.by_hand = byHand.has(item.sku); }
};

// 86 mode: the switch above the tiles; staff signed in may mark items sold out and back (the hub records who).
Sale.soldOutMode = false;
Sale.setSoldOutMode = function (on) {
  Sale.soldOutMode = on;
  const button = $("#btn-86");
  button.setAttribute("aria-pressed", String(on));
  button.classList.toggle("on", on);
  C.notice(on ? C.t("sold_out_mode_on") : "", "info");
  Sale.drawCatalog();
};

Sale.toggleSoldOut = async function (item) {
  const out = !item.by_hand;  // an item out of stock (or in a bundle with one) is 86ed by hand too; a tap undoes only that
  try {
    const availability = await C.api("PUT", `/api/v1/items/${encodeURIComponent(item.sku)}/sold-out`, {sold_out: out});
    Sale.applyAvailability(availability);
    Sale.drawCatalog();
    const still = !out && Sale.bySku.get(item.sku)?.sold_out;
    C.notice(still ? C.t("is_sold_out", {name: item.name}) : C.t(out ? "now_sold_out" : "now_back", {name: item.name}), "info");
  } catch (error) {
    C.fail(error);
  }
};

C.on("availability", (data) => {
  if (!data || !Array.isArray(data.sold_out)) return;
  Sale.applyAvailability(data);
  Sale.drawCatalog();
});

// The hub's hint in the till's language (its English sentence for a kind this page does not know).
Sale.hintText = function (hint) {
  const key = `hint_${hint.kind}`;
  if (!hint.kind || C.t(key) === key) return C.lang === "en" ? hint.message : "";  // the hub's sentence is English
  return C.t(key, {count: hint.count, noun: hint.noun, name: hint.name, amount: C.money(hint.amount)});
};
