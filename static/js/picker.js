// The month slot picker, made better with JavaScript (it works without: every day and month is a
// link). A day's times show without a request (the month's times are all in the page), the grid
// follows the WAI-ARIA date grid pattern (one day in the tab order, arrow keys move, Home/End go
// to the week's ends, Page Up/Down change month, Enter or Space shows the day), and htmx swaps
// months in place, after which the focus goes back where the person was.
(function () {
  "use strict";
  var pendingFocus = null; // "prev", "next" or "grid": where focus goes after a month swap

  function days(grid) { return Array.prototype.slice.call(grid.querySelectorAll(".month-day")); }

  function enhance(picker) {
    if (!picker || picker.dataset.enhanced) return;
    picker.dataset.enhanced = "1";
    var grid = picker.querySelector("[role=grid]");
    if (!grid) return;
    var all = days(grid);
    var status = picker.querySelector("[data-picker-status]");
    var current = grid.querySelector("[aria-selected=true] .month-day") ||
      grid.querySelector("[data-free] .month-day") || grid.querySelector("[data-today] .month-day") || all[0];
    all.forEach(function (day) { day.setAttribute("tabindex", day === current ? "0" : "-1"); });

    function focusDay(day) {
      if (current) current.setAttribute("tabindex", "-1");
      day.setAttribute("tabindex", "0");
      current = day;
      day.focus();
    }

    function show(day) {
      var cell = day.closest("td");
      if (!cell || !cell.hasAttribute("data-free")) return;
      grid.querySelectorAll("[aria-selected=true]").forEach(function (c) { c.setAttribute("aria-selected", "false"); });
      cell.setAttribute("aria-selected", "true");
      var shown = null;
      picker.querySelectorAll(".slot-day").forEach(function (section) {
        section.hidden = section.dataset.day !== cell.dataset.date;
        if (!section.hidden) shown = section;
      });
      var empty = picker.querySelector("#day-empty");
      if (empty) empty.hidden = true;
      if (status && shown) status.textContent = day.getAttribute("aria-label") + ", listed after the calendar.";
      if (window.history && window.history.replaceState && day.href) {
        // The address names the day, so a reload or a shared link opens it (no request now).
        var url = new URL(day.href, window.location.href);
        var here = new URL(window.location.href);
        if (here.pathname === url.pathname) window.history.replaceState(null, "", url.pathname + url.search);
      }
    }

    function month(direction) {
      var link = picker.querySelector(".month-nav[data-nav=" + direction + "]");
      if (!link) return;
      pendingFocus = "grid";
      link.click();
    }

    grid.addEventListener("click", function (event) {
      var day = event.target.closest(".month-day");
      if (!day || day.tagName !== "A") return;
      event.preventDefault();
      focusDay(day);
      show(day);
    });

    grid.addEventListener("keydown", function (event) {
      var index = all.indexOf(document.activeElement);
      if (index < 0) return;
      var moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
      var row = document.activeElement.closest("tr");
      var inRow = row ? days(row) : [];
      if (event.key in moves) {
        var target = index + moves[event.key];
        if (target >= 0 && target < all.length) focusDay(all[target]);
        else month(target < 0 ? "prev" : "next");
      } else if (event.key === "Home" && inRow.length) {
        focusDay(inRow[0]);
      } else if (event.key === "End" && inRow.length) {
        focusDay(inRow[inRow.length - 1]);
      } else if (event.key === "PageUp" || event.key === "PageDown") {
        month(event.key === "PageUp" ? "prev" : "next");
      } else if (event.key === "Enter" || event.key === " ") {
        show(document.activeElement);
      } else {
        return;
      }
      event.preventDefault();
    });

    picker.querySelectorAll(".month-nav[data-nav]").forEach(function (link) {
      link.addEventListener("click", function () { if (!pendingFocus) pendingFocus = link.dataset.nav; });
    });

    if (pendingFocus) {
      var where = pendingFocus;
      pendingFocus = null;
      var nav = where === "grid" ? null : picker.querySelector(".month-nav[data-nav=" + where + "]");
      (nav || current || picker).focus();
    }
  }

  function enhanceWithin(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("[data-picker]")) enhance(root);
    root.querySelectorAll("[data-picker]").forEach(enhance);
  }

  // Phones: the mentor page's Book bar leads to the booking panel, so it steps aside while the
  // panel is on screen (and never covers the times); without the observer it simply stays.
  function setUpBookBar() {
    var bar = document.getElementById("book-bar");
    var panel = document.getElementById("booking-panel");
    if (!bar || !panel || !("IntersectionObserver" in window)) return;
    new IntersectionObserver(function (entries) {
      bar.classList.toggle("is-hidden", entries[entries.length - 1].isIntersecting);
    }).observe(panel);
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceWithin(document); setUpBookBar(); });
  // htmx announces every piece of content it puts into the page (the picker loaded into the
  // mentor page, a month swapped in).
  document.addEventListener("htmx:load", function (event) { enhanceWithin(event.detail.elt); });
})();
