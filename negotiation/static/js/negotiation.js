/* The live board: a websocket per session; on every move the board's live part is fetched
   again (rendered on the server for this user) and swapped in without a reload. */
(function () {
  "use strict";
  var root = document.getElementById("board");
  if (!root) { return; }
  var status = document.getElementById("live-status");
  var retry = 500;

  function draw(scope) {
    if (!window.Plotly) { return; }
    scope.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.dataset.chart);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      window.Plotly.react(element, figure.data, figure.layout, { responsive: true, displayModeBar: false });
    });
  }

  function tick() {
    document.querySelectorAll("time[data-timer]").forEach(function (element) {
      var left = Math.max(0, Math.round((Date.parse(element.getAttribute("datetime")) - Date.now()) / 1000));
      element.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    });
  }

  function version() {
    var live = root.querySelector("[data-board-version]");
    return live ? live.dataset.boardVersion : "";
  }

  function refresh() {
    var active = document.activeElement;
    if (active && root.contains(active) && active.form && active.value && active.tagName === "INPUT") {
      // Someone is typing in a form: refresh once they leave it, so no input is lost.
      active.addEventListener("blur", refresh, { once: true });
      return;
    }
    fetch(root.dataset.fragment, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        root.innerHTML = html;
        draw(root);
        tick();
        root.dispatchEvent(new CustomEvent("board:updated", { bubbles: true }));
      });
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + root.dataset.socket);
    socket.onopen = function () {
      retry = 500;
      if (status) { status.textContent = root.dataset.liveText; }
    };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "state" && String(message.board_version) === version() && !message.move) {
        return; // connected to a board we already show
      }
      refresh();
    };
    socket.onclose = function () {
      if (status) { status.textContent = root.dataset.offlineText; }
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }

  draw(root);
  tick();
  window.setInterval(tick, 1000);
  connect();
})();
