// Autosave for the action plan form: saves in the background every 15 s while the text
// changes, and when the page is hidden. Without JavaScript the "Save draft" button does it.
// Without a connection the draft is kept on the device (offline.js's queue) and sent when
// the connection returns, with the version it was based on: if the server's copy moved on
// meanwhile, the plan page answers with both texts, as for any older save.
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
  var dirty = false, busy = false, stopped = false, typedHere = false, timer = null;
  var key = "draft:" + form.dataset.autosave;
  function offline() { return window.leansOffline; }  // set by offline.js (loaded after this)
  form.addEventListener("input", function () {
    dirty = true;
    if (!navigator.onLine) { clearTimeout(timer); timer = setTimeout(keep, 1000); }
  });
  // The form's fields but its (soon stale) CSRF token, as [name, value] pairs.
  function fields() {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && typeof value === "string") { pairs.push([name, value]); }
    });
    return pairs;
  }
  function keep() {
    var store = offline();
    if (!store) { dirty = true; status.textContent = form.dataset.offline; return; }
    typedHere = true;
    store.queue.put({id: key, kind: "draft", url: form.dataset.autosave, page: form.getAttribute("action"),
                     fields: fields()})
      .then(function () { status.textContent = store.texts.draft; });
  }
  // The plan page itself answers a draft based on an older version with both texts.
  function showBoth(page, data) {
    var post = document.createElement("form");
    post.method = "post";
    post.setAttribute("action", page);
    post.hidden = true;
    data.forEach(function (value, name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      post.appendChild(input);
    });
    document.body.appendChild(post);
    post.submit();
  }
  // A draft kept on the device, sent once the connection is back; removed from the device
  // once the server has answered.
  function sendKept() {
    var store = offline();
    if (!store || !navigator.onLine || busy) { return; }
    store.queue.get(key).then(function (item) {
      if (!item) { return null; }
      busy = true;
      return store.token().then(function (token) {
        var data = new FormData();
        item.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
        data.set("csrf_token", token);
        data.set("action", "save");
        return fetch(item.url, {method: "POST", body: data, credentials: "same-origin",
                                headers: {"Accept": "application/json"}})
          .then(function (response) {
            if (response.status === 409) {
              return store.queue.del(key).then(function () { showBoth(item.page, data); });
            }
            if (!response.ok) { return null; }
            return response.json().then(function (body) {
              return store.queue.del(key).then(function () {
                if (!typedHere) { window.location.reload(); return; }
                version.value = body.draft_version;
                status.textContent = body.message;
                dirty = false;
              });
            });
          });
      });
    }).catch(function () {}).then(function () { busy = false; });
  }
  function save() {
    if (!dirty || busy || stopped) { return; }
    if (!navigator.onLine) { dirty = false; keep(); return; }
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
      .catch(function () { keep(); })
      .then(function () { busy = false; });
  }
  setInterval(save, 15000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(); }
  });
  window.addEventListener("online", sendKept);
  document.addEventListener("DOMContentLoaded", sendKept);
})();
