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
  // A chart too dense for a phone (the heatmap) becomes its own table there, one column at a
  // time: the plot is not drawn, the table opens and a picker chooses the column shown.
  var narrow = window.matchMedia("(max-width: 40rem)");
  function pickColumn(table, index) {
    table.querySelectorAll("tr").forEach(function (row) {
      Array.prototype.forEach.call(row.cells, function (cell, position) {
        cell.hidden = narrow.matches && position > 0 && position !== index;
      });
    });
  }
  function fitNarrow(figure) {
    var table = figure.querySelector("table");
    var details = figure.querySelector("details");
    var plot = figure.querySelector("[data-chart]");
    if (!table || !details || !plot) { return; }
    var picker = figure.querySelector(".chart__column-picker");
    if (!picker) {
      var headers = table.tHead ? table.tHead.rows[0].cells : [];
      if (headers.length < 2) { return; }
      picker = document.createElement("p");
      picker.className = "chart__column-picker";
      var label = document.createElement("label");
      var select = document.createElement("select");
      select.id = plot.id + "-column";
      select.className = "utrecht-select";
      label.htmlFor = select.id;
      label.className = "utrecht-form-label";
      label.textContent = figure.dataset.pickLabel + " ";
      Array.prototype.forEach.call(headers, function (header, position) {
        if (position === 0) { return; }
        var option = document.createElement("option");
        option.value = String(position);
        option.textContent = header.textContent;
        select.appendChild(option);
      });
      select.addEventListener("change", function () { pickColumn(table, Number(select.value)); });
      picker.appendChild(label);
      picker.appendChild(select);
      details.parentNode.insertBefore(picker, details);
    }
    var select = picker.querySelector("select");
    picker.hidden = !narrow.matches;
    if (narrow.matches) {
      details.open = true;
    } else if (!plot.classList.contains("chart__plot--drawn")) {
      draw(plot);
    }
    pickColumn(table, Number(select.value));
  }
  var narrowFigures = document.querySelectorAll("[data-narrow-table]");
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    if (!(narrow.matches && element.closest("[data-narrow-table]"))) { draw(element); }
  });
  narrowFigures.forEach(fitNarrow);
  narrow.addEventListener("change", function () { narrowFigures.forEach(fitNarrow); });
})();
