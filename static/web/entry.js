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

  // A radio button's change previews the form too (hx-trigger="radiochange" on the form); a text field's
  // change on blur does not, its input events already did.
  var form = document.getElementById("entry-form");
  if (form) {
    form.addEventListener("change", function (event) {
      if (event.target.type === "radio") form.dispatchEvent(new CustomEvent("radiochange"));
    });
    // htmx sends a form's request to the formaction of the last submit button focused or clicked in it.
    // A preview that fires while "Tải lên" (an evidence upload) or "Lưu và gửi thẩm định…" has the focus
    // would go there and be lost, leaving the counters behind what was typed: the preview always goes to
    // the form's own hx-post.
    form.addEventListener("htmx:configRequest", function (event) {
      if (event.detail.elt === form) {
        event.detail.path = form.getAttribute("hx-post");
        event.detail.verb = "post";
      }
    });
  }
})();
