// Service worker of the guard console: it makes the console installable
// and keeps its shell (style, script, icons) for a flaky phone connection.
// It caches the shell only — never a page, a list, an event stream or any
// incident data: those always come from the server, or not at all.
"use strict";
var SHELL = "tg-shell-v1";
var FILES = ["/static/app.css", "/static/app.js", "/icon-192.png", "/icon-512.png", "/manifest.webmanifest"];

self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(SHELL).then(function (c) { return c.addAll(FILES); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== SHELL; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (e) {
  var url = new URL(e.request.url);
  if (e.request.method !== "GET" || url.origin !== location.origin || FILES.indexOf(url.pathname) < 0) return;
  // the shell: network first (a new release shows at once), the cache when offline
  e.respondWith(fetch(e.request).then(function (r) {
    var copy = r.clone();
    if (r.ok) caches.open(SHELL).then(function (c) { c.put(e.request, copy); });
    return r;
  }).catch(function () { return caches.match(e.request); }));
});

// A tap on a notification brings the console forward.
self.addEventListener("notificationclick", function (e) {
  e.notification.close();
  e.waitUntil(self.clients.matchAll({ type: "window" }).then(function (list) {
    return list.length ? list[0].focus() : self.clients.openWindow("/");
  }));
});
