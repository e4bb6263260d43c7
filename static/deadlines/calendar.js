/* The calendar page: select the new address on focus and copy it with a button.
 * A static file, not an inline script (the content security policy allows none);
 * without JavaScript the address is still there to select and copy by hand. */
(function () {
  "use strict";

  function init() {
    document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var input = document.getElementById(button.dataset.copy);
      var status = document.querySelector(".calendar__copied");
      if (!input || !navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(input.value).then(function () {
          if (status) status.textContent = status.dataset.copiedText;
        }, function () {
          input.focus();
          input.select();
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
