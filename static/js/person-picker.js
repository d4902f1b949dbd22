// The person picker (people.forms.PersonPickerInput): as someone types, ask the search endpoint
// and offer its answers in the input's <datalist>, which the browser shows as a list (keyboard
// and screen readers included). Choosing one fills in that person's employee id or email, which
// is also what someone without JavaScript types by hand. The same picker suggests teams (the people
// list's team filter): the input's data-person-search names the search to ask.
(function () {
  "use strict";
  var WAIT_MS = 200;

  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-person-search");
    var timer = null;
    var asked = "";
    var pending = null;

    function show(results) {
      var options = results.map(function (person) {
        var option = document.createElement("option");
        option.value = person.value;
        option.textContent = person.label;
        return option;
      });
      list.replaceChildren.apply(list, options);
    }

    function ask() {
      var q = input.value.trim();
      if (q.length < 2 || q === asked) return;
      asked = q;
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: pending.signal,
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { show(data.results); })
        .catch(function () { /* an aborted or failed search leaves the typed text as it is */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, WAIT_MS);
    });
  }

  document.querySelectorAll("input[data-person-search]").forEach(attach);
})();
