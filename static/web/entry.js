// The entry form: open the criterion that holds the indicator a link points to (#ind-2-1), on load
// and on every later jump, since a collapsed accordion would hide it. The page works without this.
(function () {
  "use strict";

  function reveal() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target || !window.bootstrap) return;
    var panel = target.closest(".accordion-collapse");
    if (panel && !panel.classList.contains("show")) {
      panel.addEventListener("shown.bs.collapse", function () { target.scrollIntoView(); }, { once: true });
      window.bootstrap.Collapse.getOrCreateInstance(panel, { toggle: false }).show();
    } else {
      target.scrollIntoView();
    }
  }

  window.addEventListener("hashchange", reveal);
  window.addEventListener("load", reveal);
})();
