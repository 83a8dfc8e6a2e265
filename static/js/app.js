// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // Pre-select the browser's IANA time zone in any select marked data-detect-timezone,
  // unless the person already chose one.
  function detectTimezone() {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!zone) return;
    document.querySelectorAll("select[data-detect-timezone]").forEach(function (select) {
      if (select.dataset.touched || (select.value && select.value !== "UTC")) return;
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === zone) { select.value = zone; break; }
      }
    });
    if (!document.cookie.match(/(^|; )tz=/)) {
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }
  }
  document.addEventListener("DOMContentLoaded", detectTimezone);
})();
