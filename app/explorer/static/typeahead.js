// Council type-ahead: fills the council field's <datalist> from /v1/councils?q=… as one types.
// Without this script the field still works: it takes a name or a slug.
(function () {
  "use strict";
  var input = document.querySelector("input[data-typeahead]");
  if (!input || !window.fetch) { return; }
  var list = document.getElementById(input.getAttribute("list"));
  var timer = null;
  var asked = "";
  function fill(items) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.slug;
      option.label = item.name + " (" + item.decisions + ")";
      option.textContent = item.name;
      list.appendChild(option);
    });
  }
  input.addEventListener("input", function () {
    var text = input.value.trim();
    clearTimeout(timer);
    if (text.length < 2 || text === asked) { return; }
    timer = setTimeout(function () {
      asked = text;
      var url = input.getAttribute("data-typeahead") + "?per_page=10&sort=-decisions&q=" + encodeURIComponent(text);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { data: [] }; })
        .then(function (body) { if (input.value.trim() === text) { fill(body.data); } })
        .catch(function () { /* the field still takes what is typed */ });
    }, 150);
  });
})();
