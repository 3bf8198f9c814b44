// Search-as-you-type for /recherche. Without JavaScript the page is a plain GET form; with it,
// typing, ticking a facet or changing the sort fetches the same page and swaps in its results.
(function () {
  "use strict";
  var form = document.querySelector("[data-service-search]");
  if (!form || !window.fetch || !window.DOMParser) return;
  var input = form.querySelector("[data-service-search-input]");
  var controller = null;
  var timer = null;

  function url() {
    var data = new FormData(form);
    var params = new URLSearchParams();
    data.forEach(function (value, key) { if (value !== "") params.append(key, value); });
    return "/recherche?" + params.toString();
  }

  function refresh() {
    var target = url();
    if (controller) controller.abort();
    controller = new AbortController();
    fetch(target, { headers: { Accept: "text/html" }, signal: controller.signal })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("search-results");
        var current = document.getElementById("search-results");
        if (next && current) {
          current.replaceWith(next);
          history.replaceState(null, "", target);
        }
      })
      .catch(function () {});
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  }

  input.addEventListener("input", later);
  form.addEventListener("change", function (event) {
    if (event.target !== input) refresh();
  });
})();
