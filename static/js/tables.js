// Wide tables scroll inside their frame; a frame that scrolls must be reachable and named for
// keyboard and screen-reader users (WCAG 2.1.1), so it becomes a focusable, labelled region.
(function () {
  "use strict";
  function label(frame) {
    var caption = frame.querySelector("caption");
    return caption ? caption.textContent.trim() : document.title;
  }
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (frame) {
      var scrolls = frame.scrollWidth > frame.clientWidth + 1 || frame.scrollHeight > frame.clientHeight + 1;
      if (scrolls && !frame.hasAttribute("tabindex")) {
        frame.setAttribute("tabindex", "0");
        frame.setAttribute("role", "region");
        frame.setAttribute("aria-label", label(frame));
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();
