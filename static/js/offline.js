// Offline reading (with sw.js): a module's lessons stored on the phone, "mark done" queued in
// IndexedDB while offline and sent once online, the stored-copy banner. Nothing without JS.
(function () {
  "use strict";
  var USER = document.body.dataset.user || "", LANG = document.documentElement.lang;
  var PREFIX = "leans-u", META = "/offline-meta", T = {};
  var $ = id => document.getElementById(id);
  var each = (list, f) => Array.prototype.forEach.call(list, f);
  var el = (tag, text) => { var e = document.createElement(tag); e.textContent = text || ""; return e; };
  var when = iso => new Date(iso).toLocaleString(LANG, {dateStyle: "medium", timeStyle: "short"});
  var kb = n => Math.max(1, Math.round(n / 1024)).toLocaleString(LANG) + " kB";
  var p2 = n => (n < 10 ? "0" : "") + n;
  function iso(d) {  // the device's time with its offset: 2026-10-06T09:15:00+07:00
    var o = -d.getTimezoneOffset(), a = Math.abs(o);
    return d.getFullYear() + "-" + p2(d.getMonth() + 1) + "-" + p2(d.getDate()) + "T" + p2(d.getHours()) + ":" +
      p2(d.getMinutes()) + ":" + p2(d.getSeconds()) + (o < 0 ? "-" : "+") + p2(a / 60 | 0) + ":" + p2(a % 60);
  }
  if (!window.caches || !window.indexedDB || !window.fetch) { return; }
  if ($("offline-texts")) { T = JSON.parse($("offline-texts").textContent); }
  if (USER && navigator.serviceWorker) { navigator.serviceWorker.register("/sw.js").catch(() => null); }

  // The queue: what was done on this device and waits to be sent.
  var tx = (mode, work) => new Promise((ok, fail) => {
    var open = indexedDB.open("leans", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("queue", {keyPath: "id"});
    open.onerror = fail;
    open.onsuccess = () => {
      var db = open.result, t = db.transaction("queue", mode), req = work(t.objectStore("queue"));
      t.oncomplete = () => { db.close(); ok(req.result); };
      t.onerror = fail;
    };
  });
  var Q = {
    all: () => tx("readonly", s => s.getAll()).then(items => items.filter(i => i.user === USER)),
    get: id => tx("readonly", s => s.get(id)),
    put: item => { item.user = USER; return tx("readwrite", s => s.put(item)); },
    del: id => tx("readwrite", s => s.delete(id))
  };
  var token = () => fetch("/csrf-token").then(r => {
    if (!r.ok || r.redirected) { throw new Error("no session"); }
    return r.json();
  }).then(b => b.token);
  window.leansOffline = {queue: Q, token: token, texts: T};

  // Only the logged-in user's pages stay; a page of nobody (logged out) drops all.
  var keep = USER && PREFIX + USER + "-", worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (!$("offline-list")) {
    if (worker) { worker.postMessage({type: "drop", keep: keep}); }
    caches.keys().then(names => each(names, n => {
      if (!n.indexOf(PREFIX) && !(keep && !n.indexOf(keep))) { caches.delete(n); }
    }));
    if (!USER) { return; }
  }

  var banner = $("stored-copy");
  if (banner && banner.dataset.storedAt) {
    banner.textContent = T.stored.replace("{time}", when(banner.dataset.storedAt));
    banner.hidden = false;
  }
  function count() {
    var box = $("offline-queue");
    if (box) { Q.all().then(items => { box.textContent = T.waiting.replace("{n}", items.length); box.hidden = !items.length; }); }
  }
  function send(item, csrf) {
    var form = new FormData();
    form.set("csrf_token", csrf);
    form.set("done_at", item.done_at);
    return fetch(item.url, {method: "POST", body: form}).then(r => {
      if (r.status === 422) {
        return r.json().then(b => {
          var notice = $("offline-notice");
          notice.textContent = T.refused.replace("{reason}", item.title + ": " + b.message);
          notice.hidden = false;
          return Q.del(item.id);
        });
      }
      return r.ok && !r.redirected && Q.del(item.id);
    }, () => null);
  }
  var flushing = false;
  function flush() {  // each queued "done" once, deleted only when the server answered
    if (flushing || !navigator.onLine) { return; }
    flushing = true;
    Q.all().then(items => {
      items = items.filter(i => i.kind === "done");
      return items.length && token().then(csrf =>
        items.reduce((p, item) => p.then(() => send(item, csrf)), Promise.resolve()));
    }).catch(() => null).then(() => { flushing = false; count(); });
  }

  // "Mark done" without a connection: queued with the device's time.
  each(document.querySelectorAll("form[data-offline-done]"), form => {
    var url = form.getAttribute("action"), id = "done:" + url, queued = () => form.replaceWith(el("p", T.queued));
    Q.get(id).then(item => item && queued());
    form.addEventListener("submit", e => {
      if (navigator.onLine) { return; }
      e.preventDefault();
      Q.put({id: id, kind: "done", url: url, done_at: iso(new Date()), title: document.querySelector("h1").textContent})
        .then(() => { queued(); count(); });
    });
  });

  var meta = name => caches.has(name).then(has => has && caches.open(name))
    .then(c => c && c.match(META)).then(r => r && r.json());
  // A module's download: its size first, what is stored, storing and removing.
  var box = $("offline-module");
  if (box) {
    var name = box.dataset.cache, size = $("offline-size"), get = $("offline-download"), rm = $("offline-remove"), list;
    var shown = () => meta(name).then(m => {
      rm.hidden = !m;
      size.textContent = m ? T.kept.replace("{lessons}", m.lessons.length).replace("{size}", kb(m.bytes)).replace("{time}", when(m.at))
        : list ? T.size.replace("{size}", kb(list.bytes)) : "";
      return m;
    });
    var download = () => {
      var total = 0, at = new Date().toISOString();
      size.textContent = T.busy;
      get.disabled = true;
      caches.open(name).then(c => Promise.all(list.files.map(f => fetch(f.url).then(r => {
        if (!r.ok || r.redirected) { throw new Error(f.url); }
        return r.blob().then(b => {
          var h = new Headers(r.headers);
          h.set("X-Leans-Stored-At", at);
          total += b.size;
          return c.put(f.url, new Response(b, {headers: h}));
        });
      }))).then(() => c.put(META, new Response(JSON.stringify({title: list.title, version: list.version,
        bytes: total, at: at, lessons: list.files.filter(f => f.kind === "lesson")})))))
        .then(shown, () => caches.delete(name).then(() => { size.textContent = T.failed; }))
        .then(() => { get.disabled = false; });
    };
    box.hidden = false;
    get.addEventListener("click", download);
    rm.addEventListener("click", () => caches.delete(name).then(() => { rm.hidden = true; size.textContent = T.removed; }));
    fetch(box.dataset.list).then(r => r.ok ? r.json() : null).then(l => {
      list = l;
      return shown().then(m => m && l && m.version !== l.version && download());  // edited since
    }, shown);
  }

  // The offline page: the lessons this phone has stored.
  var shelf = $("offline-list");
  if (shelf) {
    caches.keys().then(names => Promise.all(names.filter(n => !n.indexOf(PREFIX)).map(meta))).then(metas => each(metas, m => {
      var ul = el("ul");
      if (!m) { return; }
      each(m.lessons, l => { var a = el("a", l.title), li = el("li"); a.href = l.url; li.appendChild(a); ul.appendChild(li); });
      shelf.appendChild(el("h3", m.title));
      shelf.appendChild(ul);
    }));
  }
  window.addEventListener("online", flush);
  flush();
  count();
})();
