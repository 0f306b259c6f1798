// The order-ready board: numbers move from Preparing to Ready and leave when handed over.
"use strict";

const live = new LiveView(document.body.dataset.view, render);
window.display = live;

function render(entries) {
  const column = (state) => entries.filter((e) => e.state === state).map((e) => el("li", {class: "num", dataset: {number: e.number}}, e.number));
  document.getElementById("preparing").replaceChildren(...column("preparing"));
  document.getElementById("ready").replaceChildren(...column("ready"));
}
