// The article page's delete button: DELETE /api/v1/articles/{id} with the sign-in
// session's CSRF token, then the answer shown in place.
(function () {
  var form = document.getElementById("delete-article");
  if (!form) return;
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!window.confirm("Delete this article from the archive? Ingesting it again will skip it (archive ingest --restore brings it back).")) return;
    var status = document.getElementById("delete-status");
    fetch(form.getAttribute("data-api"), {
      method: "DELETE",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": form.elements.csrf.value, "Accept": "application/json" }
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      if (res.ok) {
        status.textContent = "Deleted. It is gone from search, facets, stories and exports.";
        form.querySelector("button").disabled = true;
      } else {
        status.textContent = (res.body && res.body.error && res.body.error.message) || "The article could not be deleted.";
      }
    }, function () {
      status.textContent = "The archive could not be reached: try again.";
    });
  });
})();
