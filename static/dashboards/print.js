// The printable report's "In báo cáo" button (a script file: the Content-Security-Policy runs no inline handler).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
