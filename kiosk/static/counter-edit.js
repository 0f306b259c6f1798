// Changing a sale: edit a line (quantity, modifiers, note), discounts with a reason and a manager's approval, hold and recall.
import {C} from "./counter.js";
import {Sale} from "./counter-sale.js";

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

