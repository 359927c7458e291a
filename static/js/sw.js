// LEANS service worker. Pages: network first; offline, a stored copy only of what the
// participant downloaded (caches "leans-u<user>-...", written by offline.js), else /offline.
"use strict";
var SHELL = "leans-shell", OFFLINE = "/offline", USER = "leans-u", VARY = {ignoreVary: true};

self.addEventListener("install", e => e.waitUntil(caches.open(SHELL)
  .then(c => c.add(new Request(OFFLINE, {credentials: "omit"})))
  .then(() => self.skipWaiting())));
self.addEventListener("activate", e => e.waitUntil(self.clients.claim()));

// The stored modules (but those whose name starts with KEEP).
var stores = keep => caches.keys()
  .then(names => names.filter(n => !n.indexOf(USER) && !(keep && !n.indexOf(keep))));
var drop = keep => stores(keep).then(names => Promise.all(names.map(n => caches.delete(n))));
self.addEventListener("message", e => {
  if (e.data && e.data.type === "drop") { e.waitUntil(drop(e.data.keep)); }
});

// An online visit replaces a stored copy of the page; the login page drops them all.
function refresh(url, r) {
  if (r.redirected && new URL(r.url).pathname === "/login") { return drop(); }
  if (!r.ok || r.redirected) { return null; }
  return stores().then(names => Promise.all(names.map(n => caches.open(n).then(c =>
    c.match(url, VARY).then(old => old && r.clone().blob().then(body => {
      var h = new Headers(r.headers);
      h.set("X-Leans-Stored-At", new Date().toISOString());
      return c.put(url, new Response(body, {headers: h}));
    }))))));
}

self.addEventListener("fetch", e => {
  var q = e.request, url = new URL(q.url);
  if (q.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (q.mode === "navigate") {
    e.respondWith(fetch(q).then(r => {
      e.waitUntil(refresh(q.url, r.clone()));
      return r;
    }, () => caches.match(q.url, VARY).then(copy => {
      if (!copy) { return caches.match(OFFLINE).then(p => p || Response.error()); }
      // Marked, so that the page says it is the stored copy and since when.
      var at = copy.headers.get("X-Leans-Stored-At") || "";
      return copy.text().then(html => new Response(
        html.replace('data-stored-at=""', 'data-stored-at="' + at + '"'), {headers: copy.headers}));
    })));
  } else if (/^\/(static|content)\//.test(url.pathname)) {
    e.respondWith(caches.match(q, VARY).then(copy => copy || fetch(q)));
  }
});
