// The profile's long checkbox lists (templates/enrolment/_choice_list.html) say how many are ticked,
// and keep saying it as people tick. A file rather than an inline script: the pages' Content-Security-Policy
// runs only scripts served from this site.
document.querySelectorAll("[data-choice-count]").forEach(function (count) {
  var list = document.getElementById(count.dataset.choiceCount);
  if (!list) return;
  function update() {
    var n = list.querySelectorAll('input[type="checkbox"]:checked').length;
    count.textContent = n === 1 ? count.dataset.one : count.dataset.many.replace("N", n);
  }
  list.addEventListener("change", update);
});
