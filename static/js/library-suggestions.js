// Log a session: show only the library's resources for the topics ticked (all of them until one is).
(function () {
  "use strict";
  var box = document.querySelector("[data-library-suggestions]");
  if (!box) return;
  var groups = box.querySelectorAll("[data-library-topic]");
  var ticks = document.querySelectorAll('input[name="topics"]');
  var hint = box.querySelector("[data-library-hint]");
  function sync() {
    var chosen = [];
    ticks.forEach(function (tick) { if (tick.checked) chosen.push(tick.value); });
    groups.forEach(function (group) {
      group.hidden = chosen.length > 0 && chosen.indexOf(group.getAttribute("data-library-topic")) === -1;
    });
    if (hint) hint.hidden = chosen.length > 0;
  }
  ticks.forEach(function (tick) { tick.addEventListener("change", sync); });
  sync();
})();
