// Community Relations Desk: small behaviours for every page.
(function () {
  "use strict";
  // One click, one record: disable a form's submit buttons once it is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    // A survey shown in preview is read, never sent.
    if (form.hasAttribute("data-preview")) {
      event.preventDefault();
      return;
    }
    if (form.method.toLowerCase() !== "post") return;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
      b.setAttribute("aria-disabled", "true");
      b.classList.add("disabled");
    });
  });
})();

// Long pick-lists (community organizations): a box above the list filters its options.
(function () {
  "use strict";
  document.querySelectorAll("select[data-searchable]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = "Type to filter the list";
    box.setAttribute("aria-label", "Filter the list of " + (select.labels[0] ? select.labels[0].textContent.trim() : "choices"));
    select.parentNode.insertBefore(box, select);
    var options = Array.prototype.slice.call(select.options);
    box.addEventListener("input", function () {
      var needle = box.value.toLowerCase();
      options.forEach(function (option) {
        var match = !option.value || option.text.toLowerCase().indexOf(needle) !== -1;
        option.hidden = !match;
      });
      var first = options.find(function (o) { return o.value && !o.hidden; });
      if (needle && first) select.value = first.value;
    });
  });
})();

// The notifications menu: its latest entries are fetched when it opens.
(function () {
  "use strict";
  var toggle = document.getElementById("notif-menu");
  if (!toggle) return;
  toggle.addEventListener("show.bs.dropdown", function () {
    var target = document.getElementById("notif-menu-items");
    var here = encodeURIComponent(window.location.pathname + window.location.search);
    fetch(toggle.dataset.menuUrl + "?next=" + here, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (response.redirected) { window.location.reload(); return Promise.reject(); }  // signed out
        return response.ok ? response.text() : Promise.reject();
      })
      .then(function (html) { target.innerHTML = html; })
      .catch(function () { /* the link to the full list stays */ });
  });
})();

// Print buttons (no inline handlers: the Content-Security-Policy forbids them).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
