// Filter box for the time-zone <select>: typing "kolk" leaves only Asia/Kolkata. The select works
// on its own without JavaScript; this only reveals the box and hides options that do not match.
(function () {
  "use strict";
  if (window.tzFilterReady) return;  // the widget includes this script once per select
  window.tzFilterReady = true;
  function attach(input) {
    var select = document.getElementById(input.dataset.tzFilterFor);
    if (!select || input.dataset.ready) return;
    input.dataset.ready = "1";
    input.hidden = false;
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().replace(/[_/]/g, " ").split(/\s+/).filter(Boolean);
      var first = null;
      select.querySelectorAll("optgroup").forEach(function (group) {
        var shown = 0;
        group.querySelectorAll("option").forEach(function (option) {
          var text = (option.value + " " + option.textContent).toLowerCase().replace(/[_/]/g, " ");
          var match = words.every(function (w) { return text.indexOf(w) !== -1; });
          option.hidden = !match;
          if (match) { shown++; if (!first) first = option; }
        });
        group.hidden = shown === 0;
      });
      if (first && select.selectedOptions.length && select.selectedOptions[0].hidden) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }
  function init() { document.querySelectorAll("input[data-tz-filter-for]").forEach(attach); }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSwap", init);
})();
