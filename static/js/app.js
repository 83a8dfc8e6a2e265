// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // The zone name the browser's own time-zone data uses for `name`. Browsers report old alias
  // names (Chrome says "Asia/Calcutta" for Asia/Kolkata, some systems "US/Eastern"), while our
  // lists offer only canonical names; a name and its alias resolve to the same zone here, so
  // comparing resolved names finds the option without shipping the tz database's alias table.
  var resolved = {};
  function resolve(name) {
    if (!(name in resolved)) {
      try { resolved[name] = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone; }
      catch (e) { resolved[name] = null; }
    }
    return resolved[name];
  }
  function sameZone(a, b) { return a === b || (!!a && !!b && resolve(a) !== null && resolve(a) === resolve(b)); }
  function optionFor(select, zone) {
    var i;
    for (i = 0; i < select.options.length; i++) if (select.options[i].value === zone) return select.options[i].value;
    for (i = 0; i < select.options.length; i++) if (sameZone(select.options[i].value, zone)) return select.options[i].value;
    return null;
  }

  // Pre-select the browser's IANA time zone in any select marked data-detect-timezone,
  // unless the person already chose one.
  function detectTimezone() {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!zone) return;
    document.querySelectorAll("select[data-detect-timezone]").forEach(function (select) {
      if (select.dataset.touched || (select.value && select.value !== "UTC")) return;
      var option = optionFor(select, zone);
      if (option) { select.value = option; zone = option; }
    });
    // IANA names are plain ASCII letters, digits, "/", "_", "+" and "-", all legal in a cookie
    // value: store the name as it is (an encoded "America%2FNew_York" is not a zone name). The
    // server reads an alias as its canonical zone, so the page names the zone as the lists do.
    var current = document.cookie.match(/(?:^|; )tz=([^;]*)/);
    if (!current || !sameZone(current[1], zone)) {
      document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
      // A visitor's first page was drawn in the server's guess; draw it again in their zone once.
      var shown = document.body && document.body.dataset.tz;
      if (shown && !sameZone(shown, zone) && !document.body.dataset.tzFixed && !sessionStorage.getItem("tz-reloaded")) {
        sessionStorage.setItem("tz-reloaded", "1");
        window.location.reload();
      }
    }
  }
  document.addEventListener("DOMContentLoaded", detectTimezone);

  // Phones: the main links fold behind a Menu button (aria-expanded tells screen readers its state).
  function setUpMenu() {
    var toggle = document.querySelector(".nav-toggle");
    var links = document.getElementById("nav-links");
    if (!toggle || !links) return;
    toggle.hidden = false;
    document.documentElement.classList.add("has-nav-toggle");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      links.classList.toggle("open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        toggle.setAttribute("aria-expanded", "false");
        links.classList.remove("open");
        toggle.focus();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", setUpMenu);
})();
