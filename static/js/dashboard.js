// The dashboard's period picker: the custom dates show (and are sent) only while "Custom
// dates" is chosen. Without script the page shows them when a custom period is asked for.
(function () {
  "use strict";
  var select = document.getElementById("d-period");
  var custom = document.getElementById("d-custom");
  if (!select || !custom) return;
  function sync() {
    var on = select.value === "custom";
    custom.hidden = !on;
    custom.disabled = !on;
  }
  select.addEventListener("change", sync);
  sync();
})();
