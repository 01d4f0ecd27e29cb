// Entry grids behave like a spreadsheet: arrows and Enter move between cells (Tab stays the
// browser's own), and a block copied from Excel pastes into the cells from the focused one.
(function () {
  "use strict";
  function cellsOf(table) {
    return Array.prototype.map.call(table.tBodies[0].rows, function (row) {
      return Array.prototype.map.call(row.cells, function (cell) {
        return cell.querySelector("input.grid-input");
      });
    });
  }
  function position(matrix, input) {
    for (var r = 0; r < matrix.length; r++) {
      var c = matrix[r].indexOf(input);
      if (c >= 0) { return [r, c]; }
    }
    return null;
  }
  function find(matrix, r, c, dr, dc) {
    // The next input in that direction, skipping read-only cells.
    for (r += dr, c += dc; r >= 0 && r < matrix.length && c >= 0 && c < matrix[r].length; r += dr, c += dc) {
      if (matrix[r][c]) { return matrix[r][c]; }
    }
    return null;
  }
  document.querySelectorAll("table[data-grid]").forEach(function (table) {
    table.addEventListener("keydown", function (event) {
      var input = event.target;
      if (!input.classList || !input.classList.contains("grid-input")) { return; }
      var matrix = cellsOf(table), at = position(matrix, input);
      if (!at) { return; }
      var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
      var atEnd = input.selectionStart === input.value.length;
      var move = {
        ArrowUp: [-1, 0], ArrowDown: [1, 0],
        ArrowLeft: atStart ? [0, -1] : null, ArrowRight: atEnd ? [0, 1] : null,
        Enter: event.shiftKey ? [-1, 0] : [1, 0]
      }[event.key];
      if (!move) { return; }
      event.preventDefault();
      var next = find(matrix, at[0], at[1], move[0], move[1]);
      if (next) { next.focus(); next.select(); }
    });
    table.addEventListener("paste", function (event) {
      var input = event.target;
      var text = (event.clipboardData || window.clipboardData).getData("text");
      if (!input.classList.contains("grid-input") || !/[\t\n]/.test(text.trim())) { return; }
      event.preventDefault();
      var matrix = cellsOf(table), at = position(matrix, input);
      text.replace(/\r/g, "").replace(/\n$/, "").split("\n").forEach(function (line, dr) {
        line.split("\t").forEach(function (value, dc) {
          var row = matrix[at[0] + dr], target = row && row[at[1] + dc];
          if (target) { target.value = value.trim(); }
        });
      });
    });
  });
})();
