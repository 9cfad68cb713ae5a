// Searchable pickers (outreach/forms_pickers.py): every <select data-picker> becomes a
// combobox (Tom Select, vendored under static/vendor/tom-select-2.6.2/). Type part of a name,
// choose with the arrow keys and Enter; in a multiple choice, Backspace removes the last one.
// With data-picker-url the options come from a JSON lookup ({results: [{value, label}]}) as
// the person types; the page carries only what is chosen. Without JavaScript, or without
// Tom Select, the plain <select> stays and still works.
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") return;

  // What Tom Select's own callback does at the end of a load, without showing anything
  // new: a list still open (the text cleared, a multiple choice made) is drawn again, so
  // that it no longer shows the lookup's spinner.
  function dropped(picker, query) {
    delete picker.loadedSearches[query];
    picker.loading = Math.max(picker.loading - 1, 0);
    if (picker.loading) return;
    picker.wrapper.classList.remove(picker.settings.loadingClass);
    if (picker.isOpen) picker.refreshOptions(false);
  }

  function fromLookup(url) {
    return function (query, callback) {
      var self = this;
      fetch(url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(); })
        .then(function (data) {
          // An answer to text no longer in the box (a key typed since, or a choice made and
          // the text cleared) is dropped: Tom Select would open the list again for it, over
          // whatever the person went on to. Typed again, that text is asked again.
          if (query !== self.lastValue) return dropped(self, query);
          // Only the answer to this text: earlier answers would match by words the server
          // matched (a DSN, an organization) and the list cannot.
          self.clearOptions();
          callback(data.results.map(function (found) {
            return { value: found.value, text: found.label };
          }));
        })
        .catch(function () {
          if (query !== self.lastValue) return dropped(self, query);
          callback();
        });
    };
  }

  function enhance(select) {
    if (select.tomselect || select.dataset.pickerReady) return;
    select.dataset.pickerReady = "1";
    var url = select.dataset.pickerUrl;
    var settings = {
      placeholder: select.dataset.pickerPlaceholder || null,
      maxOptions: 100,
      // Tab moves on: it never picks whatever happens to be first in the open list.
      selectOnTab: false,
      // Filter as each key is typed: Enter chooses what the list shows, not what it showed.
      refreshThrottle: 0,
      closeAfterSelect: !select.multiple,
      // After a choice the typed text goes, ready for the next name.
      clearAfterSelect: true,
      plugins: select.multiple ? ["remove_button"] : [],
      render: {
        no_results: function (data, escape) {
          return '<div class="no-results">No match for \u201c' + escape(data.input) + "\u201d</div>";
        },
      },
    };
    if (url) {
      settings.load = fromLookup(url);
      settings.shouldLoad = function (query) { return query.trim().length > 0; };
      settings.loadThrottle = 200;
      // The server has matched already (by name, DSN or organization): keep its order.
      settings.score = function () { return function () { return 1; }; };
    }
    new window.TomSelect(select, settings);
    // The combobox now carries the label; the original list stays only to be sent.
    select.setAttribute("aria-hidden", "true");
  }

  function enhanceAll(root) {
    if (root.matches && root.matches("select[data-picker]")) enhance(root);
    if (root.querySelectorAll) root.querySelectorAll("select[data-picker]").forEach(enhance);
  }

  enhanceAll(document);
  // Step forms arrive after the page (static/js/app.js): their pickers too.
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType === 1) enhanceAll(node);
      });
    });
  }).observe(document.body, { childList: true, subtree: true });
})();
