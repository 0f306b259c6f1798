// Expo: every open order with each station's progress; bump when all stations are done, then hand over.
// Orders are listed as they came in, new ones at the bottom, and the rows being read stay where they are on
// the screen when orders come or go above them.
import {el} from "/kiosk/static/shared/dom.js";
import {LiveView, T, changesText, originText} from "./live.js";

const live = new LiveView(document.body.dataset.view, render);
window.display = live;

function arrived(a, b) {
  return a.accepted_at < b.accepted_at ? -1 : a.accepted_at > b.accepted_at ? 1 : (a.number < b.number ? -1 : 1);
}

// The rows on screen, top first, with where each one is: the reading place to keep.
function readingPlace() {
  const rows = [...document.querySelectorAll("#orders tr")];
  return rows.filter((tr) => tr.getBoundingClientRect().bottom > 0).slice(0, 20)
    .map((tr) => ({id: tr.dataset.orderId, top: tr.getBoundingClientRect().top}));
}

function keepPlace(place) {
  for (const {id, top} of place) {
    const row = document.querySelector(`#orders tr[data-order-id="${id}"]`);
    if (row) { window.scrollBy(0, row.getBoundingClientRect().top - top); return; }
  }
}

function render(cards) {
  const place = window.scrollY > 0 ? readingPlace() : [];
  const rows = [...cards].sort(arrived);
  document.getElementById("orders").replaceChildren(...rows.map((row, index) => el("tr", {
    class: "order status-" + row.status + (row.rush ? " rush" : "") + ((row.changes || []).length ? " changed" : ""),
    dataset: {orderId: row.order_id, number: row.number}},
    el("td", {}, index + 1),
    el("td", {class: "number"}, row.number, row.rush ? el("span", {class: "rush-mark"}, T("rush_mark")) : null,
      (row.changes || []).length ? el("div", {class: "change-note"}, changesText(row.changes)) : null),
    el("td", {}, originText(row)),
    el("td", {}, row.stations.map((s) => el("span", {class: "chip st-" + s.status + (s.held ? " held" : ""), dataset: {station: s.station}},
      s.station + ": " + T("ticket_" + (s.held ? "held" : s.status)),
      s.status === "queued" ? el("button", {type: "button", class: "fire", onclick: () => live.act("fire", {order_id: row.order_id, ticket_id: s.ticket_id, version: s.version})}, T("fire")) : null,
      s.status === "queued" && !s.held ? el("button", {type: "button", class: "hold", onclick: () => live.act("hold", {order_id: row.order_id, ticket_id: s.ticket_id, version: s.version})}, T("hold")) : null,
    ))),
    el("td", {class: "state"}, T(row.status === "ready" ? "order_ready" : (row.all_done ? "all_done" : "in_kitchen"))),
    el("td", {},
      row.status === "ready"
        ? el("button", {type: "button", class: "hand-over", onclick: () => live.act("hand_over", {order_id: row.order_id})}, T("hand_over"))
        : el("button", {type: "button", class: "expo-bump", onclick: () => live.act("expo_bump", {order_id: row.order_id})}, T("ready_button")),
      row.status !== "ready" ? el("button", {type: "button", class: "cancel", onclick: () => { if (confirm(T("confirm_cancel", {number: row.number}))) live.act("cancel", {order_id: row.order_id}); }}, T("cancel")) : null,
    ),
  )));
  keepPlace(place);
}
