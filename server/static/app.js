// Progressive enhancement for the search page; the page works fully without it.
// Links that change the search (facets, filters, timeline, sort, pages) fetch the
// new page and swap its results region in place, keeping the URL and the back
// button right; the person search suggests names as you type.
(function () {
  "use strict";
  var region = function () { return document.getElementById("results-region"); };
  // On a phone the filters fold behind a button above the results (style.css).
  document.documentElement.classList.add("js");

  function isSearchLink(a) {
    return a && a.origin === location.origin && a.pathname === "/" && !a.hasAttribute("download") && !a.target;
  }

  function swap(url, push) {
    var current = region();
    if (!current) { location.href = url; return; }
    current.setAttribute("aria-busy", "true");
    return fetch(url, { headers: { "Accept": "text/html" } })
      .then(function (res) { return res.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("results-region");
        if (!fresh) { location.href = url; return; }
        current.replaceWith(fresh);
        ["searchbar", "problem"].forEach(function (id) {
          var old = document.getElementById(id), neu = doc.getElementById(id);
          if (old && neu) { old.replaceWith(neu); }
        });
        document.title = doc.title;
        if (push) { history.pushState({ swapped: true }, "", url); }
        var status = document.getElementById("status");
        if (status) { status.focus({ preventScroll: true }); }
      })
      .catch(function () { location.href = url; });
  }

  document.addEventListener("click", function (e) {
    var toggle = e.target.closest && e.target.closest(".filters-button");
    if (!toggle) { return; }
    var filters = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!filters) { return; }
    var open = !filters.classList.contains("open");
    filters.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  document.addEventListener("click", function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) { return; }
    var a = e.target.closest && e.target.closest("a");
    if (!a || !region() || !region().contains(a) || !isSearchLink(a)) { return; }
    e.preventDefault();
    swap(a.href, true);
  });

  window.addEventListener("popstate", function () {
    if (region()) { swap(location.href, false); }
  });

  // People edits (a signed-in writer): the form posts to the API and the results
  // region, with the person facet, is drawn again in place.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.id !== "curate-form" || !window.fetch) { return; }
    e.preventDefault();
    var data = new FormData(form);
    var action = data.get("action"), from = (data.get("from") || "").trim(), into = (data.get("into") || "").trim();
    var edit = action === "hide" ? { action: action, name: from } : { action: action, from: from, into: into };
    var status = document.getElementById("curate-status");
    if (status) { status.textContent = "Applying…"; }
    fetch("/api/v1/people/edits", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": data.get("csrf") || "" },
      body: JSON.stringify(edit)
    }).then(function (res) {
      return res.json().then(function (body) { return { ok: res.ok, body: body }; });
    }).then(function (r) {
      if (!r.ok) {
        var err = (r.body && r.body.error) || {};
        if (status) { status.textContent = (err.message || "The edit failed.") + (err.hint ? " (" + err.hint + ")" : ""); }
        return;
      }
      var done = r.body.action === "hide" ? "Hid " + r.body.name : (r.body.action === "merge" ? "Merged " : "Renamed ") + r.body.from + " into " + r.body.into;
      var p = swap(location.href, false);
      if (p && p.then) {
        p.then(function () {
          var box = document.getElementById("curate-people"), st = document.getElementById("curate-status");
          if (box) { box.open = true; }
          if (st) { st.textContent = done + " (edit " + r.body.id + ")."; }
        });
      }
    }).catch(function () { form.submit(); });
  });

  // Person search: suggestions from GET /api/v1/facets/person as you type.
  var timer = null, seq = 0;
  function suggest(input) {
    var list = document.getElementById("person-matches");
    var status = document.getElementById("person-matches-status");
    var prefix = input.value.trim();
    if (!list) { return; }
    if (prefix === "") { list.hidden = true; list.textContent = ""; return; }
    // The search as the server read it: the form's hidden fields, never a parameter
    // the page ignored, which the API would turn away.
    var params = new URLSearchParams(new FormData(input.form));
    // The timeline's view (split, top, compare, scale) is the page's, not a search's.
    ["page", "after", "person_prefix", "size", "split", "top", "compare", "scale"].forEach(function (k) { params.delete(k); });
    var facetParams = new URLSearchParams(params);
    facetParams.set("prefix", prefix);
    var mine = ++seq;
    fetch("/api/v1/facets/person?" + facetParams.toString())
      .then(function (res) { return res.json(); })
      .then(function (data) {
        if (mine !== seq) { return; }
        list.textContent = "";
        var values = (data && data.values) || [];
        values.forEach(function (v) {
          var li = document.createElement("li");
          if (v.selected) { li.className = "selected"; }
          var a = document.createElement("a");
          var next = new URLSearchParams(params);
          if (!v.selected) { next.append("person", v.value); }
          a.href = "/?" + next.toString();
          a.className = "value-link";
          a.setAttribute("aria-label", "Filter by " + v.value + ", " + v.count + " articles");
          var name = document.createElement("span");
          name.className = "value";
          name.textContent = v.value;
          var count = document.createElement("span");
          count.className = "count";
          count.textContent = String(v.count);
          a.append(name, " ", count);
          li.append(a);
          list.append(li);
        });
        if (values.length === 0) {
          var none = document.createElement("li");
          none.className = "none";
          none.textContent = "Nobody by that name in these results.";
          list.append(none);
        }
        list.hidden = false;
        if (status) { status.textContent = values.length + (values.length === 1 ? " person" : " people") + " found"; }
      })
      .catch(function () {});
  }

  document.addEventListener("input", function (e) {
    if (e.target.id !== "person-prefix") { return; }
    clearTimeout(timer);
    var input = e.target;
    timer = setTimeout(function () { suggest(input); }, 120);
  });

  // Arrow keys move between the box and its suggestions; Escape closes them.
  document.addEventListener("keydown", function (e) {
    var list = document.getElementById("person-matches");
    if (!list || list.hidden) { return; }
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var input = document.getElementById("person-prefix");
    var at = links.indexOf(document.activeElement);
    if (e.target === input || at >= 0) {
      if (e.key === "ArrowDown" && links.length) {
        e.preventDefault();
        links[Math.min(at + 1, links.length - 1)].focus();
      } else if (e.key === "ArrowUp" && at >= 0) {
        e.preventDefault();
        (at === 0 ? input : links[at - 1]).focus();
      } else if (e.key === "Escape") {
        list.hidden = true;
        input.focus();
      }
    }
  });
})();
