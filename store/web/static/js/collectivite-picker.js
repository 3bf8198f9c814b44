// Search-as-you-type for the collectivité search page and for picker fields in forms.
// Without JavaScript the page is a plain GET form; with it, results follow the keystrokes.
(function () {
  "use strict";
  var API = "/api/v1/search/collectivites";

  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function fetchHits(q, kind, signal) {
    var url = API + "?per_page=8&q=" + encodeURIComponent(q) + (kind ? "&kind=" + encodeURIComponent(kind) : "");
    return fetch(url, { headers: { Accept: "application/json" }, signal: signal })
      .then(function (r) { return r.ok ? r.json() : { hits: [], total_hits: 0 }; });
  }

  function item(hit) {
    var li = document.createElement("li");
    li.setAttribute("role", "option");
    li.dataset.siren = hit.siren;
    li.dataset.label = hit.label;
    var name = document.createElement("strong");
    name.innerHTML = hit.highlighted_name; // escaped server-side, only <mark> added
    li.appendChild(name);
    var meta = document.createElement("span");
    meta.className = "fr-text--sm";
    meta.textContent = " " + (hit.departement_code ? "(" + hit.departement_code + ") " : "") + hit.kind_label + " · SIREN " + hit.siren;
    li.appendChild(meta);
    return li;
  }

  // The search page: replace the results block as the user types.
  var form = document.querySelector("[data-collectivite-search]");
  if (form) {
    var input = form.querySelector("[data-collectivite-picker-input]");
    var kind = form.querySelector("select[name=kind]");
    var results = document.getElementById("collectivite-results");
    var controller = null;
    var run = debounce(function () {
      var q = input.value.trim();
      if (controller) controller.abort();
      if (!q) { results.innerHTML = ""; return; }
      controller = new AbortController();
      fetchHits(q, kind.value, controller.signal).then(function (data) {
        var ul = document.createElement("ul");
        ul.className = "collectivite-results";
        data.hits.forEach(function (hit) { ul.appendChild(item(hit)); });
        var count = document.createElement("p");
        count.textContent = data.total_hits + " résultat" + (data.total_hits === 1 ? "" : "s") + " pour « " + q + " »";
        results.replaceChildren(count, ul);
        history.replaceState(null, "", "?q=" + encodeURIComponent(q) + (kind.value ? "&kind=" + kind.value : ""));
      }).catch(function () {});
    }, 120);
    input.addEventListener("input", run);
    kind.addEventListener("change", run);
  }

  // Picker fields inside forms: a listbox under the text field fills the hidden SIREN input.
  document.querySelectorAll("[data-collectivite-picker]").forEach(function (box) {
    var text = box.querySelector("input[type=search]");
    var hidden = box.querySelector("input[type=hidden]");
    var list = box.querySelector("[role=listbox]");
    var controller = null;
    function close() { list.hidden = true; text.setAttribute("aria-expanded", "false"); }
    function choose(li) {
      hidden.value = li.dataset.siren;
      text.value = li.dataset.label;
      close();
    }
    text.addEventListener("input", debounce(function () {
      hidden.value = "";
      var q = text.value.trim();
      if (controller) controller.abort();
      if (q.length < 2) { close(); return; }
      controller = new AbortController();
      fetchHits(q, "", controller.signal).then(function (data) {
        list.replaceChildren.apply(list, data.hits.map(item));
        list.hidden = data.hits.length === 0;
        text.setAttribute("aria-expanded", String(!list.hidden));
      }).catch(function () {});
    }, 120));
    list.addEventListener("click", function (e) {
      var li = e.target.closest("li[role=option]");
      if (li) choose(li);
    });
    text.addEventListener("keydown", function (e) {
      var options = Array.prototype.slice.call(list.querySelectorAll("li[role=option]"));
      var current = options.findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        var next = e.key === "ArrowDown" ? Math.min(current + 1, options.length - 1) : Math.max(current - 1, 0);
        options.forEach(function (o, i) { o.setAttribute("aria-selected", String(i === next)); });
      } else if (e.key === "Enter" && current >= 0) {
        e.preventDefault();
        choose(options[current]);
      } else if (e.key === "Escape") {
        close();
      }
    });
  });
})();
