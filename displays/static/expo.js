// Expo: every open order with each station's progress; bump when all stations are done, then hand over.
"use strict";

const live = new LiveView(document.body.dataset.view, render);
window.display = live;

function render(rows) {
  document.getElementById("orders").replaceChildren(...rows.map((row, index) => el("tr", {
    class: "order status-" + row.status + (row.rush ? " rush" : "") + ((row.changes || []).length ? " changed" : ""),
    dataset: {orderId: row.order_id, number: row.number}},
    el("td", {}, index + 1),
    el("td", {class: "number"}, row.number,
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
}
