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
// A list too long to come with the page (data-lookup: accounts.widgets.LookupSelect) is
// filled with what the server finds for the typed text instead.
window.crdPickLists = function (root) {
  "use strict";
  root.querySelectorAll("select[data-searchable]").forEach(function (select) {
    if (select.dataset.enhanced) return;
    select.dataset.enhanced = "1";
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = "Type to filter the list";
    box.setAttribute("aria-label", "Filter the list of " + (select.labels[0] ? select.labels[0].textContent.trim() : "choices"));
    select.parentNode.insertBefore(box, select);
    if (select.dataset.lookup) {
      lookUp(select, box);
      return;
    }
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

  function lookUp(select, box) {
    var status = document.createElement("div");
    status.className = "form-text mt-0 mb-1";
    status.setAttribute("role", "status");
    select.parentNode.insertBefore(status, select);
    var timer = null;
    var asked = 0;
    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 200);
    });

    function ask() {
      var text = box.value.trim();
      if (!text) { status.textContent = ""; return; }
      var ticket = ++asked;
      fetch(select.dataset.lookup + "?q=" + encodeURIComponent(text), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(); })
        .then(function (data) {
          if (ticket !== asked) return;  // an answer to earlier typing
          if (!data.results.length) {
            status.textContent = "Nothing matches \u201c" + text + "\u201d.";
            return;
          }
          var blank = Array.prototype.find.call(select.options, function (o) { return !o.value; });
          while (select.options.length) select.remove(0);
          if (blank) select.add(blank);
          data.results.forEach(function (found) { select.add(new Option(found.label, found.value)); });
          select.value = data.results[0].value;
          status.textContent = data.results.length + (data.more ? " or more" : "") + " found; the first is chosen. Pick another from the list below.";
        })
        .catch(function () {
          if (ticket === asked) status.textContent = "The list could not be loaded. Try again.";
        });
    }
  }
};
window.crdPickLists(document);

// A concern's step forms come when their step is opened (data-step-form): the page would
// otherwise carry every step's fields, most of them never opened.
(function () {
  "use strict";
  document.querySelectorAll("details[data-step-form]").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open || details.dataset.loading) return;
      var body = details.querySelector("[data-step-body]");
      if (!body) return;
      details.dataset.loading = "1";
      fetch(details.dataset.stepForm, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          if (response.redirected) { window.location.reload(); return Promise.reject(); }  // signed out
          return response.ok ? response.text() : Promise.reject();
        })
        .then(function (html) {
          var holder = document.createElement("div");
          holder.innerHTML = html;
          window.crdPickLists(holder);
          body.replaceWith.apply(body, Array.prototype.slice.call(holder.childNodes));
        })
        .catch(function () {
          details.dataset.loading = "";
          var note = body.querySelector("[role=status]");
          if (note && note.firstChild) note.firstChild.textContent = "The form could not be loaded. ";
        });
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
