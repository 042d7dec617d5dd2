// Keyboard-first review (web/assets/templates/review.html): Enter confirms
// the page, typing over a field corrects it (its value is selected on
// focus), Tab moves on, Space toggles a check box, Escape opens the reject
// box (Enter there rejects, Escape again goes back).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("review-form");
  var reject = document.getElementById("reject-form");
  if (!form || !reject) return;
  var reason = document.getElementById("reject-reason");
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
    if (reject.hidden) {
      reject.hidden = false;
      reason.focus();
    } else {
      reject.hidden = true;
      var first = form.querySelector("input:not([type=hidden])");
      if (first) first.focus();
    }
  });
  var first = form.querySelector("input:not([type=hidden])");
  if (first && document.activeElement !== first) first.focus();
});
