// A new sale: catalog, search and scan, the basket priced live by the hub, lines, discounts, hold and recall.
"use strict";

const Sale = {
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
    const catalog = await C.api("GET", `/counter/${encodeURIComponent(C.device)}/catalog.json`);
    C.currency = catalog.currency;
    Sale.items = catalog.items;
    Sale.bySku = new Map(catalog.items.map((item) => [item.sku, item]));
    Sale.byGtin = new Map(catalog.items.filter((item) => item.gtin).map((item) => [item.gtin, item]));
    Sale.categories = catalog.categories;
    Sale.drawCatalog();
    Sale.draw();
  } catch (error) {
    C.fail(error);
  }
};

Sale.categoryName = function (code) {
  const key = `cat_${code.replace(/-/g, "_")}`;
  const text = C.t(key);
  return text === key ? code.replace(/-/g, " ") : text;
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
  $("#tiles").replaceChildren(...shown.map((item) => C.el("button", {
    type: "button", class: `tile${item.sold_out ? " sold-out" : ""}`, "data-sku": item.sku, disabled: item.sold_out,
    onclick: () => { Sale.add(item.sku); Sale.focus(); },
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
    const priced = await C.api("POST", "/api/v1/baskets/price", Object.assign({channel: "counter"}, Sale.request()));
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
  $("#hints").replaceChildren(...(priced ? priced.hints.map((h) => C.el("li", null, h.message)) : []),
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

// ---- editing a line -------------------------------------------------------------------------------

Sale.editLine = function (index) {
  const line = Sale.basket.lines[index];
  if (!line) { C.notice(C.t("select_line_first"), "error"); return; }
  const item = Sale.bySku.get(line.sku);
  const chosen = new Set(line.modifiers);
  for (const group of item.groups) {  // show the default the hub would add for a required group left empty
    if (group.default && !item.modifiers.some((m) => m.group === group.code && chosen.has(m.code))) chosen.add(group.default);
  }
  const qty = C.el("input", {id: "edit-qty", inputmode: "numeric", value: String(line.qty), autocomplete: "off"});
  const note = C.el("input", {id: "edit-note", maxlength: "200", value: line.note || "", autocomplete: "off",
                              placeholder: C.t("note_placeholder")});
  const groups = C.el("div", {class: "modifier-groups"});
  const drawModifiers = () => {
    const byGroup = new Map();
    for (const modifier of item.modifiers) {
      const group = modifier.group || "";
      if (!byGroup.has(group)) byGroup.set(group, []);
      byGroup.get(group).push(modifier);
    }
    groups.replaceChildren(...[...byGroup].map(([code, modifiers]) => {
      const group = item.groups.find((g) => g.code === code);
      const title = group ? `${group.name}${group.min ? ` (${C.t("required")})` : ""}` : C.t("options");
      return C.el("fieldset", {class: "group", "data-group": code}, C.el("legend", null, title),
        modifiers.map((m) => C.el("button", {
          type: "button", class: `modifier${chosen.has(m.code) ? " on" : ""}`, "data-code": m.code,
          disabled: m.parent && !chosen.has(m.parent),
          onclick: () => {
            if (chosen.has(m.code)) { chosen.delete(m.code); for (const child of item.modifiers) if (child.parent === m.code) chosen.delete(child.code); }
            else {
              if (group && group.max === 1) for (const other of modifiers) chosen.delete(other.code);
              chosen.add(m.code);
            }
            drawModifiers();
          },
        }, m.name, m.price_delta ? ` +${C.money(m.price_delta)}` : "")));
    }));
  };
  drawModifiers();
  const save = () => {
    const wanted = parseInt(qty.value, 10);
    if (!(wanted >= 1 && wanted <= 99)) { C.notice(C.t("qty_range"), "error"); qty.focus(); return; }
    line.qty = wanted;
    line.modifiers = item.modifiers.map((m) => m.code).filter((code) => chosen.has(code));
    line.note = note.value.trim() || null;
    C.closeDialog(false);
    Sale.changed();
  };
  const box = C.el("form", {class: "edit-line", "data-sku": line.sku, onsubmit: (event) => { event.preventDefault(); save(); }},
    C.el("h2", null, item.name),
    C.el("div", {class: "qty-row"}, C.el("span", null, C.t("quantity")),
      C.el("button", {type: "button", onclick: () => { qty.value = String(Math.max(1, (parseInt(qty.value, 10) || 1) - 1)); }}, "−"),
      qty,
      C.el("button", {type: "button", onclick: () => { qty.value = String(Math.min(99, (parseInt(qty.value, 10) || 0) + 1)); }}, "+")),
    item.modifiers.length ? groups : null,
    C.el("label", {class: "note-row"}, C.el("span", null, C.t("note")), note),
    C.el("div", {class: "actions"},
      C.button(C.t("void_line"), "F8", () => { C.closeDialog(false); Sale.voidLine(index); }, {class: "danger", id: "edit-void"}),
      C.button(C.t("discount_btn"), "F7", () => { C.closeDialog(false); Sale.selected = index; Sale.discount("line"); }, {id: "edit-discount"}),
      C.button(C.t("cancel"), "Esc", () => C.closeDialog(true), {class: "quiet"}),
      C.el("button", {type: "submit", class: "primary", id: "edit-done"}, C.t("done"), " ", C.el("kbd", null, "Enter"))));
  C.openDialog(box, {kind: "edit", onKey: (event) => {
    if (event.key === "F8") { C.closeDialog(false); Sale.voidLine(index); return true; }
    return false;
  }});
  qty.select();
};

// ---- discounts --------------------------------------------------------------------------------------

Sale.discount = function (scope) {
  const basket = Sale.basket;
  if (!basket.lines.length) { C.notice(C.t("basket_empty"), "error"); return; }
  let target = scope === "order" || Sale.selected < 0 ? "order" : (scope || "line");
  const index = Sale.selected;
  const percent = C.el("input", {id: "discount-percent", inputmode: "numeric", autocomplete: "off"});
  const amount = C.el("input", {id: "discount-amount", inputmode: "decimal", autocomplete: "off"});
  const reason = C.el("input", {id: "discount-reason", maxlength: "80", autocomplete: "off", placeholder: C.t("reason_placeholder")});
  const message = C.el("p", {class: "pin-message", role: "alert"});
  const scopeBox = C.el("div", {class: "scope"});
  const drawScope = () => {
    const item = index >= 0 ? Sale.bySku.get(basket.lines[index].sku) : null;
    scopeBox.replaceChildren(
      item ? C.el("button", {type: "button", class: target === "line" ? "on" : "", "data-scope": "line",
                             onclick: () => { target = "line"; drawScope(); }}, C.t("this_line", {name: item.name})) : "",
      C.el("button", {type: "button", class: target === "order" ? "on" : "", "data-scope": "order",
                      onclick: () => { target = "order"; drawScope(); }}, C.t("whole_order")));
  };
  drawScope();
  const quick = C.el("div", {class: "quick"}, [5, 10, 15, 20, 50, 100].map((p) =>
    C.el("button", {type: "button", "data-percent": p, onclick: () => { percent.value = String(p); amount.value = ""; }}, `${p} %`)));
  const reasons = C.el("div", {class: "quick"}, ["reason_staff", "reason_complaint", "reason_damaged", "reason_regular"].map((key) =>
    C.el("button", {type: "button", "data-reason": key, onclick: () => { reason.value = C.t(key); }}, C.t(key))));
  const apply = async () => {
    const p = percent.value.trim() ? parseInt(percent.value, 10) : null;
    const a = amount.value.trim() ? C.parseAmount(amount.value) : null;
    if ((p === null) === (a === null)) { message.textContent = C.t("percent_or_amount"); return; }
    if (p !== null && !(p >= 1 && p <= 100)) { message.textContent = C.t("percent_range"); return; }
    if (a !== null && !(a > 0)) { message.textContent = C.t("amount_invalid"); return; }
    if (!reason.value.trim()) { message.textContent = C.t("reason_required"); reason.focus(); return; }
    const line = target === "line" ? index : null;
    const base = line === null ? (Sale.priced ? Sale.priced.subtotal.amount : 0)
      : (Sale.pricedLine(line) ? Sale.pricedLine(line).amount.amount : 0);
    const share = p !== null ? p : (base ? (a * 100) / base : 100);
    const discount = {line: line, percent: p, amount: a, reason: reason.value.trim()};
    C.closeDialog(false);
    if (share > C.config.discount_limit_percent) {
      const approval = await C.askApproval("discount", C.t("discount_over_limit", {limit: C.config.discount_limit_percent}));
      if (!approval) { C.notice(C.t("discount_not_applied"), "error"); return; }
      basket.approval = approval;
    }
    basket.discounts = basket.discounts.filter((d) => d.line !== line).concat([discount]);
    Sale.changed();
  };
  const existing = () => basket.discounts.find((d) => d.line === (target === "line" ? index : null));
  const box = C.el("form", {class: "discount", onsubmit: (event) => { event.preventDefault(); apply(); }},
    C.el("h2", null, C.t("discount_title")), scopeBox,
    C.el("label", null, C.el("span", null, C.t("percent")), percent), quick,
    C.el("label", null, C.el("span", null, C.t("or_amount")), amount),
    C.el("label", null, C.el("span", null, C.t("reason")), reason), reasons,
    C.el("p", {class: "limit"}, C.t("discount_limit_note", {limit: C.config.discount_limit_percent})),
    message,
    C.el("div", {class: "actions"},
      C.button(C.t("remove_discount"), null, () => {
        const found = existing();
        if (found) { basket.discounts = basket.discounts.filter((d) => d !== found); Sale.changed(); }
        C.closeDialog(false);
      }, {class: "quiet", id: "discount-remove"}),
      C.button(C.t("cancel"), "Esc", () => C.closeDialog(true), {class: "quiet"}),
      C.el("button", {type: "submit", class: "primary", id: "discount-apply"}, C.t("apply"), " ", C.el("kbd", null, "Enter"))));
  C.openDialog(box, {kind: "discount"});
  percent.focus();
};

// ---- hold and recall ------------------------------------------------------------------------------

Sale.hold = function () {
  const basket = Sale.basket;
  if (!basket.lines.length) { C.notice(C.t("basket_empty"), "error"); return; }
  const label = C.el("input", {id: "hold-label", maxlength: "60", autocomplete: "off",
                               value: basket.label || C.t("held_default", {time: C.time(new Date().toISOString())})});
  const box = C.el("form", {class: "hold", onsubmit: async (event) => {
    event.preventDefault();
    const kept = {lines: basket.lines, discounts: basket.discounts, fulfilment: basket.fulfilment};
    try {
      await C.api("POST", "/api/v1/held-baskets", {device_id: C.device, label: label.value.trim() || C.t("held"), basket: kept});
      C.closeDialog(false);
      C.notice(C.t("held_done", {label: label.value.trim()}), "ok");
      Sale.clear();
    } catch (error) { C.closeDialog(false); C.fail(error); }
  }}, C.el("h2", null, C.t("hold_title")), C.el("label", null, C.el("span", null, C.t("label")), label),
     C.el("div", {class: "actions"}, C.button(C.t("cancel"), "Esc", () => C.closeDialog(true), {class: "quiet"}),
       C.el("button", {type: "submit", class: "primary", id: "hold-save"}, C.t("hold"), " ", C.el("kbd", null, "Enter"))));
  C.openDialog(box, {kind: "hold"});
  label.select();
};

Sale.recall = async function () {
  if (Sale.basket.lines.length) { C.notice(C.t("finish_first"), "error"); return; }
  let held;
  try {
    const answer = await C.api("GET", `/api/v1/held-baskets?device_id=${encodeURIComponent(C.device)}`);
    held = answer.held || answer.held_baskets;
  } catch (error) { C.fail(error); return; }
  held = held || [];
  const take = async (entry) => {
    try {
      const answer = await C.api("POST", `/api/v1/held-baskets/${encodeURIComponent(entry.held_id)}/recall`);
      const kept = answer.basket || {};
      C.closeDialog(false);
      Sale.basket = Object.assign(Sale.newBasket(), {lines: kept.lines || [], discounts: kept.discounts || [],
                                                    fulfilment: kept.fulfilment || "takeaway", label: answer.label || entry.label});
      Sale.selected = Sale.basket.lines.length - 1;
      Sale.changed();
    } catch (error) { C.closeDialog(false); C.fail(error); }
  };
  const list = C.el("ol", {class: "held-list"}, held.map((entry, i) => C.el("li", null, C.el("button", {
    type: "button", "data-held": entry.held_id, onclick: () => take(entry)},
    C.el("kbd", null, String(i + 1)), " ", C.el("strong", null, entry.label), " ",
    C.el("span", {class: "meta"}, [C.time(entry.held_at || entry.created_at),
      entry.basket && entry.basket.lines ? C.t("n_items", {n: entry.basket.lines.reduce((s, l) => s + l.qty, 0)}) : ""]
      .filter(Boolean).join(" · "))))));
  C.openDialog(C.el("div", {class: "recall"}, C.el("h2", null, C.t("recall_title")),
    held.length ? list : C.el("p", {class: "empty"}, C.t("nothing_held")),
    C.el("div", {class: "actions"}, C.button(C.t("cancel"), "Esc", () => C.closeDialog(true), {class: "quiet"}))),
  {kind: "recall", onKey: (event) => {
    const n = parseInt(event.key, 10);
    if (n >= 1 && n <= held.length) { take(held[n - 1]); return true; }
    return false;
  }});
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
  $("#btn-pay").addEventListener("click", () => Sale.pay(false));
  $("#btn-later").addEventListener("click", () => Sale.pay(true));
  for (const button of $$("#fulfilment button")) {
    button.addEventListener("click", () => { Sale.basket.fulfilment = button.dataset.fulfilment; Sale.changed(); Sale.focus(); });
  }
  Sale.loadCatalog();
  Sale.draw();
});
C.on("connected", () => { if (Sale.items.length) Sale.loadCatalog(); });
C.on("availability", (data) => {
  if (!data || !Array.isArray(data.sold_out)) return;
  const out = new Set(data.sold_out);
  for (const item of Sale.items) item.sold_out = out.has(item.sku);
  Sale.drawCatalog();
});
