// Running totals for the admin's per-state roll-call table. Progressive enhancement only: without this
// script the totals are those of the last Check, and the form works the same.
(function () {
  "use strict";
  var table = document.getElementById("rollcall");
  var totals = document.getElementById("rollcall-totals");
  if (!table || !totals) { return; }
  function recount() {
    var counts = {};
    table.querySelectorAll("input[type=radio]:checked").forEach(function (input) {
      counts[input.value] = (counts[input.value] || 0) + 1;
    });
    totals.querySelectorAll("[data-count]").forEach(function (span) {
      var output = span.querySelector("output");
      if (output) { output.textContent = String(counts[span.getAttribute("data-count")] || 0); }
    });
  }
  table.addEventListener("change", recount);
  recount();
})();
