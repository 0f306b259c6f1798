// The kiosk's cart: lines, live pricing by the hub's one pricing engine, sold-out flags, and the cart screen.
import {Kiosk, KioskState, api, el, hintText, money, t} from "./kiosk-core.js";

export class Cart {
  constructor(onPriced, onChange) {
    this.onChange = onChange || (() => {});
    this.lines = [];           // {key, sku, name, qty, modifiers: [codes]}
    this.priced = null;        // the hub's priced basket for exactly these lines
    this.problem = null;       // the hub's refusal of the basket (e.g. a line sold out)
    this.seq = 0;              // pricing requests sent; only the latest reply counts
    this.onPriced = onPriced;
    this.tappedAt = 0;
    this.timings = [];         // ms from a tap to the priced cart on screen (bench/kiosk.py reads them)
  }

  static key(sku, modifiers) { return `${sku}|${[...modifiers].sort().join(",")}`; }

  count() { return this.lines.reduce((n, line) => n + line.qty, 0); }

  skus() { return [...new Set(this.lines.map((line) => line.sku))]; }

  add(item, modifiers, qty) {
    const key = Cart.key(item.sku, modifiers);
    const line = this.lines.find((l) => l.key === key);
    if (line) line.qty = Math.min(line.qty + qty, 99);
    else this.lines.push({key, sku: item.sku, name: item.name, qty, modifiers: [...modifiers]});
    this.changed();
  }

  setQty(index, qty) {
    if (qty <= 0) this.lines.splice(index, 1);
    else this.lines[index].qty = Math.min(qty, 99);
    this.changed();
  }

  clear() { this.lines = []; this.priced = null; this.problem = null; this.seq += 1; }

  wire() { return this.lines.map((l) => ({sku: l.sku, qty: l.qty, modifiers: l.modifiers})); }

  signature(extra) { return JSON.stringify([this.wire(), extra]); }

  changed() {
    this.onChange();
    this.tappedAt = performance.now();
    this.price();
  }

  // Ask the hub to price the cart; a later change makes an earlier reply stale.
  async price() {
    const seq = ++this.seq;
    if (!this.lines.length) { this.priced = null; this.problem = null; this.onPriced(); return; }
    const body = {lines: this.wire(), channel: "kiosk"};
    if (KioskState.member) body.customer = {loyalty_id: KioskState.member.member_id};
    if (KioskState.member && KioskState.reward) body.redeem_points = KioskState.reward.points;
    const reply = await api("POST", `/api/v1/baskets/price?lang=${encodeURIComponent(Kiosk.lang)}`, body);
    if (seq !== this.seq) return;
    this.priced = reply.ok ? reply.data : null;
    this.problem = reply.ok ? null : reply.data;
    this.onPriced();
    if (this.tappedAt) {
      this.timings.push(performance.now() - this.tappedAt);
      this.tappedAt = 0;
    }
    document.body.dataset.priced = String(seq);
  }

  // Index of lines that cannot be sold now: sold out by the broadcast, or named by the hub's refusal.
  soldLines(isSold) {
    const out = new Set();
    this.lines.forEach((line, i) => { if (isSold(line.sku)) out.add(i); });
    const field = this.problem && this.problem.code === "unavailable" && this.problem.field;
    const match = field && /^lines\[(\d+)\]/.exec(field);
    if (match) out.add(Number(match[1]));
    return out;
  }
}

function modifierNames(item, codes) {
  return codes.map((code) => (item && item.modifiers.find((m) => m.code === code) || {name: code}).name);
}

export function renderCartScreen(cart, items, isSold) {
  const sold = cart.soldLines(isSold);
  const priced = cart.priced;
  const list = document.getElementById("lines");
  list.replaceChildren(...cart.lines.map((line, index) => {
    const item = items.get(line.sku);
    const pricedLine = priced && priced.lines[index];
    const amount = pricedLine ? pricedLine.amount.amount : null;
    return el("li", {class: sold.has(index) ? "line sold" : "line", "data-sku": line.sku},
      el("div", {class: "line-main"},
        el("span", {class: "line-name", text: item ? item.name : line.name}),
        line.modifiers.length ? el("span", {class: "line-mods", text: modifierNames(item, line.modifiers).join(", ")}) : null,
        sold.has(index) ? el("span", {class: "line-flag", text: t("sold_out_in_cart")}) : null),
      el("div", {class: "line-qty"},
        el("button", {type: "button", class: "qty minus", "aria-label": "-", onclick: () => cart.setQty(index, line.qty - 1)}, "\u2212"),
        el("output", {class: "line-count", text: String(line.qty)}),
        el("button", {type: "button", class: "qty plus", "aria-label": "+", disabled: sold.has(index),
                      onclick: () => cart.setQty(index, line.qty + 1)}, "+")),
      el("span", {class: "line-amount", text: amount === null ? "" : money(amount)}),
      el("button", {type: "button", class: "link remove", onclick: () => cart.setQty(index, 0), text: t("remove")}));
  }));
  document.getElementById("cart-empty").hidden = cart.lines.length > 0;
  const hints = document.getElementById("hints");
  hints.replaceChildren(...(priced ? priced.hints : []).map((h) => el("li", {class: "hint"},
    el("span", {class: "hint-tag", text: t("deal_hint")}), " ", hintText(h))));
  const sums = document.getElementById("sums");
  const rows = [];
  if (priced) {
    rows.push(el("dt", {text: t("subtotal")}), el("dd", {text: money(priced.subtotal.amount)}));
    for (const d of priced.discounts) {
      rows.push(el("dt", {class: "discount", text: d.name}), el("dd", {class: "discount", text: `\u2212${money(d.amount.amount)}`}));
    }
    for (const tax of priced.taxes) {
      const label = priced.tax_inclusive ? t("tax_included", {name: tax.name}) : t("tax_added", {name: tax.name});
      rows.push(el("dt", {class: "tax", text: label}), el("dd", {class: "tax", text: money(tax.amount.amount)}));
    }
    rows.push(el("dt", {class: "total", text: t("total")}), el("dd", {class: "total", id: "cart-total", text: money(priced.total.amount)}));
  }
  sums.replaceChildren(...rows);
  return sold;
}
