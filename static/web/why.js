// The explanation dialog (templates/web/why/_modal.html). Badges open it by themselves (htmx loads the
// explanation, Bootstrap shows the dialog); this file only does two things around that:
// - a page opened at a criterion's anchor (the dashboard heatmap links to #crit-<set>-<n> on the
//   commune page) opens that criterion's explanation;
// - the dialog shows "loading" again when it closes, so the next badge never shows the last answer.
(function () {
  "use strict";

  function openFromHash() {
    var hash = window.location.hash;
    if (!hash || hash.indexOf("#crit-") !== 0 || !window.htmx) {
      return;
    }
    var target = document.getElementById(hash.slice(1));
    var link = target && target.querySelector("[data-why-criterion]");
    if (link) {
      link.click();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var modal = document.getElementById("why-modal");
    if (!modal) {
      return;
    }
    var body = document.getElementById("why-modal-body");
    var loading = body.innerHTML;
    modal.addEventListener("hidden.bs.modal", function () {
      body.innerHTML = loading;
    });
  });
  // After htmx has processed the page (it starts on DOMContentLoaded too): the link's click then loads.
  window.addEventListener("load", openFromHash);
})();
