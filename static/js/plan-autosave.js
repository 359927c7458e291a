// Autosave for the action plan form: saves in the background every 15 s while the text
// changes, and when the page is hidden. Without JavaScript the "Save draft" button does it.
(function () {
  "use strict";
  // The error summary takes focus on load through its autofocus attribute; this covers
  // browsers that honour autofocus only on form fields.
  var summary = document.querySelector(".error-summary");
  if (summary && document.activeElement === document.body) { summary.focus(); }
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) { return; }
  var status = document.getElementById("autosave-status");
  var version = form.querySelector("input[name=draft_version]");
  var dirty = false, busy = false, stopped = false;
  form.addEventListener("input", function () { dirty = true; });
  function save() {
    if (!dirty || busy || stopped) { return; }
    busy = true; dirty = false;
    var data = new FormData(form);
    data.set("action", "save");
    fetch(form.dataset.autosave, {method: "POST", body: data, credentials: "same-origin",
                                  headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().then(function (body) { return [response, body]; });
      })
      .then(function (pair) {
        var response = pair[0], body = pair[1];
        status.textContent = body.message;
        if (response.ok) { version.value = body.draft_version; }
        else { dirty = true; if (response.status === 409) { stopped = true; } }
      })
      .catch(function () { dirty = true; status.textContent = form.dataset.offline; })
      .then(function () { busy = false; });
  }
  setInterval(save, 15000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(); }
  });
})();
