// Expo: every open order with each station's progress; bump when all stations are done, then hand over.
// Orders are listed as they came in, new ones at the bottom, and the rows being read stay where they are on
// the screen when orders come or go above them.
"use strict";

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
    el("td", {class: "number"}, row.number, row.rush ? el("span", {class: "rush-mark"}, "RUSH") : null,
      (row.changes || []).length ? el("div", {class: "change-note"}, "CHANGED: " + row.changes.join("; ")) : null),
    el("td", {}, row.origin + " · " + row.fulfilment.replace("_", " ")),
    el("td", {}, row.stations.map((s) => el("span", {class: "chip st-" + s.status + (s.held ? " held" : ""), dataset: {station: s.station}},
      s.station + ": " + (s.held ? "held" : s.status),
      s.status === "queued" ? el("button", {type: "button", class: "fire", onclick: () => live.act("fire", {order_id: row.order_id, ticket_id: s.ticket_id, version: s.version})}, "fire") : null,
      s.status === "queued" && !s.held ? el("button", {type: "button", class: "hold", onclick: () => live.act("hold", {order_id: row.order_id, ticket_id: s.ticket_id, version: s.version})}, "hold") : null,
    ))),
    el("td", {class: "state"}, row.status === "ready" ? "READY" : (row.all_done ? "all done" : "in the kitchen")),
    el("td", {},
      row.status === "ready"
        ? el("button", {type: "button", class: "hand-over", onclick: () => live.act("hand_over", {order_id: row.order_id})}, "Hand over")
        : el("button", {type: "button", class: "expo-bump", onclick: () => live.act("expo_bump", {order_id: row.order_id})}, "Ready"),
      row.status !== "ready" ? el("button", {type: "button", class: "cancel", onclick: () => { if (confirm("Cancel order " + row.number + "?")) live.act("cancel", {order_id: row.order_id}); }}, "Cancel") : null,
    ),
  )));
  keepPlace(place);
}
