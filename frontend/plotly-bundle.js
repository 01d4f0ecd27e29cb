// The partial Plotly bundle of static/vendor/plotly.min.js (built by `make vendor`): the core
// (which has the scatter trace: lines, markers and the filled outlines of the maps) plus the trace
// types the app's charts use. Grep gmr_thuis, dashboards, monitoring, projects, municipalities,
// mediation and negotiation for `go.` before adding or removing one.
"use strict";

var Plotly = require("plotly.js/lib/core");

Plotly.register([
  require("plotly.js/lib/bar"),
  require("plotly.js/lib/heatmap"),
  require("plotly.js/lib/waterfall"),
]);

module.exports = Plotly;
