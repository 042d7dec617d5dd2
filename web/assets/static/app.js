// Keyboard first. The queue: the first page to open has the focus, Enter
// opens it. A review (web/assets/templates/review.html): Enter confirms the
// page, typing over a field corrects it (its value is selected when it gets
// the focus), Tab moves on, Space toggles a check box, Escape opens the
// reject box (Enter there rejects, Escape again goes back).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var open = document.querySelector("#queue a.open");
  if (open) open.focus();
  var form = document.getElementById("review-form");
  var reject = document.getElementById("reject-form");
  if (!form || !reject) return;
  var reason = document.getElementById("reject-reason");
  var first = form.querySelector("input:not([type=hidden])") || document.getElementById("confirm");
  function start() {
    first.focus();
    if (first.classList.contains("value")) first.select();
  }
  form.addEventListener("focusin", function (e) {
    if (e.target.classList && e.target.classList.contains("value")) e.target.select();
  });
  form.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.type === "checkbox") {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    e.preventDefault();
    reject.hidden = !reject.hidden;
    if (reject.hidden) start(); else reason.focus();
  });
  start();
});
document.addEventListener("DOMContentLoaded", function () {
  var next = document.getElementById("next");
  if (next) next.focus();
});
