// The pages' small behaviours, in one file loaded by base.html. The Content-Security-Policy allows
// no inline script or on*= attribute, so each page marks what it needs with data- attributes (or
// a {{ value|json_script }} block, which is data and never runs) and this file does the rest.
(function () {
  "use strict";

  // A wide table scrolls sideways in its own box on a phone; keyboard users must be able to reach
  // that box to scroll it (WCAG 2.1.1), so each such box takes focus.
  document.querySelectorAll(".table-responsive:not([tabindex])").forEach(function (box) {
    box.tabIndex = 0;
  });

  // <button data-print>: prints the page.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // <input type="checkbox" data-select-all="css selector" hidden>: ticks or clears every box the
  // selector names. It needs script, so it stays hidden without it.
  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      document.querySelectorAll(all.dataset.selectAll).forEach(function (box) { box.checked = all.checked; });
    });
  });

  // <button data-copy="input id" data-copied="…" data-copy-failed="…">: copies the input's value
  // and says so in the element "<input id>-status".
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.dataset.copy);
      var status = document.getElementById(button.dataset.copy + "-status");
      navigator.clipboard.writeText(input.value).then(
        function () { status.textContent = button.dataset.copied; },
        function () { input.select(); status.textContent = button.dataset.copyFailed; }
      );
    });
  });

  // <span data-choice-count="list id" data-one="…" data-many="… N …">: says how many boxes of
  // the list are ticked, and keeps saying it as people tick.
  document.querySelectorAll("[data-choice-count]").forEach(function (count) {
    var list = document.getElementById(count.dataset.choiceCount);
    if (!list) return;
    function update() {
      var n = list.querySelectorAll('input[type="checkbox"]:checked').length;
      count.textContent = n === 1 ? count.dataset.one : count.dataset.many.replace("N", n);
    }
    list.addEventListener("change", update);
  });

  // <div data-shown-for-formats='["a", "b"]' data-format-field="select id">: shown only while the
  // select holds one of those values (ticket references on shadowing and review sessions).
  document.querySelectorAll("[data-shown-for-formats]").forEach(function (box) {
    var select = document.getElementById(box.dataset.formatField);
    if (!select) return;
    var formats = JSON.parse(box.dataset.shownForFormats);
    function sync() { box.hidden = formats.indexOf(select.value) === -1; }
    select.addEventListener("change", sync);
    sync();
  });

  // <p data-run-poll="status url" data-status="…">: a match run's page polls its status every two
  // seconds and moves on to the proposal (or back to the cohort with the reason) when it has
  // finished, or reloads when the run moved from queued to running.
  document.querySelectorAll("[data-run-poll]").forEach(function (status) {
    function poll() {
      fetch(status.dataset.runPoll, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (run) {
          if (run.redirect) { window.location.assign(run.redirect); return; }
          if (status.dataset.status !== run.status) { window.location.reload(); return; }
          setTimeout(poll, 2000);
        })
        .catch(function () { setTimeout(poll, 5000); });
    }
    setTimeout(poll, 2000);
  });

  // A background import's progress card (people/_import_progress.html): <div data-import-poll=
  // "status url" data-import-texts="json_script id">. Polls every second; the aria-live paragraph
  // announces each change.
  document.querySelectorAll("[data-import-poll]").forEach(function (card) {
    var texts = JSON.parse(document.getElementById(card.dataset.importTexts).textContent);
    var bar = card.querySelector('[role="progressbar"]');
    var status = card.querySelector("[data-import-status]");
    var next = card.querySelector("[data-import-next]");
    function fill(text, job) {
      return text.replace(/\{(\w+)\}/g, function (match, key) { return key in job ? job[key] : match; });
    }
    function show(job) {
      bar.setAttribute("aria-valuenow", job.percent);
      // Through the CSSOM: the policy refuses style attributes, not scripts setting a property.
      bar.firstElementChild.style.width = job.percent + "%";
      if (job.status === "done") {
        status.textContent = fill(texts.done, job);
      } else if (job.status === "failed") {
        status.textContent = texts.failed + " " + job.error;
      } else {
        status.textContent = job.status_label + ": " + fill(texts.progress, { done: job.processed_rows, total: job.total_rows });
      }
      if (job.finished && next) { next.hidden = false; }
    }
    function poll() {
      fetch(card.dataset.importPoll, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (job) { show(job); if (!job.finished) { setTimeout(poll, 1000); } })
        .catch(function () { setTimeout(poll, 3000); });
    }
    setTimeout(poll, 1000);
  });
})();
