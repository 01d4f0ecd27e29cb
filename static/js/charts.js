/* Draws every dashboard chart from its inline JSON; a click on a linked point opens its page. */
(function () {
  "use strict";
  function openLink(event) {
    var point = event.points && event.points[0];
    var link = point && point.customdata;
    if (Array.isArray(link)) { link = link[0]; }
    if (typeof link === "string" && link.charAt(0) === "/") { window.location.href = link; }
  }
  function draw(element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    var config = { responsive: true, displayModeBar: false };
    window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      element.on("plotly_click", openLink);
      element.classList.add("chart__plot--drawn");
    });
  }
  document.querySelectorAll("[data-chart]").forEach(draw);
})();
