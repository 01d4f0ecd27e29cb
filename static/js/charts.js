/* Draws every dashboard chart from its inline JSON; a click on a linked point opens its page. */
(function () {
  "use strict";
  function openLink(event) {
    var point = event.points && event.points[0];
    var link = point && point.customdata;
    if (Array.isArray(link)) { link = link[0]; }
    if (typeof link === "string" && link.charAt(0) === "/") { window.location.href = link; }
  }
  // The chart as an image as wide as an A4 landscape page's content (277 mm at 96 px per inch),
  // which print.css shows instead of the screen's drawing, so a printed chart is never cut off.
  var PRINT_WIDTH = 1040;
  function printImage(element, figure) {
    var height = (figure.layout && figure.layout.height) || 420;
    return window.Plotly.toImage(element, { format: "png", width: PRINT_WIDTH, height: height, scale: 2 })
      .then(function (url) {
        var image = document.createElement("img");
        image.className = "chart__print";
        image.alt = "";
        image.src = url;
        element.insertAdjacentElement("afterend", image);
      });
  }
  function draw(element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    var config = { responsive: true, displayModeBar: false };
    window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      element.on("plotly_click", openLink);
      element.classList.add("chart__plot--drawn");
      if (element.hasAttribute("data-print-image")) { return printImage(element, figure); }
    });
  }
  document.querySelectorAll("[data-chart]").forEach(draw);
})();
