// Small behaviours of every page, kept out of the HTML so the Content-Security-Policy can forbid
// inline scripts and event handlers.
(function () {
  "use strict";
  // A button marked data-print opens the browser's print dialog (print or save as PDF).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // On a phone the main menu folds behind a "Menu" button; wider screens show it open.
  var toggle = document.querySelector(".nav-toggle");
  var menu = document.getElementById("main-nav-list");
  if (toggle && menu) {
    var narrow = window.matchMedia("(max-width: 40rem)");
    var fit = function () {
      toggle.hidden = !narrow.matches;
      menu.hidden = narrow.matches && toggle.getAttribute("aria-expanded") !== "true";
    };
    toggle.addEventListener("click", function () {
      toggle.setAttribute("aria-expanded", String(toggle.getAttribute("aria-expanded") !== "true"));
      fit();
    });
    narrow.addEventListener("change", fit);
    fit();
  }

  // A slider shows its value in its <output for=...>, written as the page's language writes
  // numbers, with the output's data-decimals (default 1).
  var language = document.documentElement.lang || "nl";
  function show(slider) {
    var output = document.querySelector('output[for="' + slider.id + '"]');
    if (!output) { return; }
    var decimals = Number(output.dataset.decimals || 1);
    output.value = Number(slider.value).toLocaleString(language, { maximumFractionDigits: decimals });
  }
  document.querySelectorAll('input[type="range"][id]').forEach(function (slider) {
    show(slider);
    slider.addEventListener("input", function () { show(slider); });
  });
})();
