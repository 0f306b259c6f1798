// The order-ready board: numbers move from Preparing to Ready and leave when handed over. Ready comes first;
// each column lists the newest first, shows as many as fit, and says how many more there are.
import {el} from "/kiosk/static/shared/dom.js";
import {LiveView, T} from "./live.js";

const live = new LiveView(document.body.dataset.view, render);
window.display = live;
let last = [];

function render(entries) {
  last = entries;
  for (const state of ["ready", "preparing"]) {
    const shown = entries.filter((e) => e.state === state).sort((a, b) => (a.since < b.since ? 1 : a.since > b.since ? -1 : 0));
    fit(document.getElementById(state), document.getElementById(state + "-more"), shown);
  }
}

function fit(list, more, entries) {
  list.replaceChildren(...entries.map((e) => el("li", {class: "num", dataset: {number: e.number}}, e.number)));
  more.hidden = true;
  const bottom = () => list.parentElement.getBoundingClientRect().bottom;
  const overflows = () => list.lastElementChild && list.lastElementChild.getBoundingClientRect().bottom > bottom() - (more.hidden ? 0 : more.offsetHeight);
  if (!overflows()) return;
  more.hidden = false;
  while (overflows()) list.lastElementChild.remove();
  const hidden = entries.length - list.children.length;
  more.textContent = T("board_more", {n: hidden});
  more.dataset.count = String(hidden);
}

window.addEventListener("resize", () => render(last));
