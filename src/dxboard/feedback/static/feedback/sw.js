/* Service worker of the citizen app: pages from the network when there is one, else from the cache
 * (the report form then keeps the report in IndexedDB until the network returns). */
"use strict";
var CACHE = "pakn-v2";  // new shell (map, PNG icon): old caches are dropped on activate
var SHELL = ["/feedback/", "/feedback/new/", "/static/feedback/feedback.css", "/static/feedback/citizen.js",
             "/static/feedback/icon.svg", "/static/feedback/icon-192.png"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(SHELL); }).catch(function () {}));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }));
  self.clients.claim();
});

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET" || new URL(req.url).origin !== self.location.origin) { return; }
  event.respondWith(fetch(req).then(function (resp) {
    if (resp.ok && SHELL.indexOf(new URL(req.url).pathname) !== -1) {
      var copy = resp.clone();
      caches.open(CACHE).then(function (c) { c.put(req, copy); });
    }
    return resp;
  }).catch(function () {
    return caches.match(req).then(function (hit) { return hit || caches.match("/feedback/"); });
  }));
});
