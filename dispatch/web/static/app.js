// Guard console: live list over Server-Sent Events, buttons without
// reload, and a console that reaches a guard whose phone is in a pocket:
// a sound, a system notification and a vibration for every new, renotified
// or escalated incident (any level) while the page is open in the
// background. Standard browser APIs only; no framework, no build step.
// Its words come from the server (body data-messages, in the page's
// language), so this file holds none.
(function () {
  "use strict";
  var csrf = document.body.dataset.csrf;
  var messages = JSON.parse(document.body.dataset.messages || "{}");
  // t returns message key with its one %d or %s replaced by arg.
  function t(key, arg) {
    var m = messages[key] || key;
    return arg === undefined ? m : m.replace(/%[ds]/, String(arg));
  }
  var list = document.getElementById("list");
  var live = document.getElementById("live");
  var soundBtn = document.getElementById("sound");
  var notifyBtn = document.getElementById("notify");
  var wakeBtn = document.getElementById("wake");
  var told = {};
  var audio = null;
  var busy = false, again = false, after = [];
  var SOUND_KEY = "tg.sound";

  // ago words a card's age as lang.go's ago does.
  function ago(s) {
    if (s < 60) return t("ago.now");
    if (s < 3600) return t("ago.min", Math.floor(s / 60));
    return t("ago.hour", Math.floor(s / 3600));
  }
  function ages() {
    var now = Date.now();
    list.querySelectorAll("[data-created]").forEach(function (el) {
      var s = Math.max(0, Math.round((now - Number(el.dataset.created)) / 1000));
      var a = el.querySelector("[data-ago]");
      if (a) a.textContent = ago(s);
    });
  }

  // refresh swaps in the server-rendered list; overlapping calls coalesce.
  // then (optional) runs once the list holds the newest state.
  function refresh(then) {
    if (then) after.push(then);
    if (busy) { again = true; return; }
    busy = true;
    var done = after; after = [];
    fetch("/incidents/list", { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (r.status === 401) { location.href = "/login"; return null; }
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html !== null && html !== undefined) { list.innerHTML = html; ages(); }
    }).catch(function () {}).finally(function () {
      busy = false;
      done.forEach(function (f) { f(); });
      if (again || after.length) { again = false; refresh(); }
    });
  }

  function beep() {
    if (!audio) return;
    document.body.dataset.beeps = String(Number(document.body.dataset.beeps || 0) + 1);
    if (audio.state === "suspended") audio.resume();
    [0, 0.35].forEach(function (at) {
      var o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = 880; g.gain.value = 0.3;
      o.connect(g); g.connect(audio.destination);
      o.start(audio.currentTime + at); o.stop(audio.currentTime + at + 0.25);
    });
  }

  // Sound: a browser starts audio only after a gesture, so a remembered
  // "on" takes effect at the first touch anywhere on the page.
  function soundOn(fromClick) {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    if (fromClick) audio.resume();
    soundBtn.textContent = t("guard.sound_on");
    soundBtn.setAttribute("aria-pressed", "true");
    try { localStorage.setItem(SOUND_KEY, "on"); } catch (e) { /* private mode */ }
  }
  soundBtn.addEventListener("click", function () {
    if (audio && soundBtn.getAttribute("aria-pressed") === "true") {
      audio = null;
      soundBtn.textContent = t("guard.sound_off");
      soundBtn.setAttribute("aria-pressed", "false");
      try { localStorage.setItem(SOUND_KEY, "off"); } catch (e) { /* private mode */ }
      return;
    }
    soundOn(true);
    beep();
  });
  var remembered = null;
  try { remembered = localStorage.getItem(SOUND_KEY); } catch (e) { /* private mode */ }
  if (remembered === "on") {
    soundOn(false);
    document.addEventListener("pointerdown", function () { if (audio) audio.resume(); }, { once: true });
  }

  // Notifications and vibration for an incident a guard must hear about.
  function notifyLabel() {
    if (!("Notification" in window)) return;
    notifyBtn.hidden = false;
    if (Notification.permission === "granted") notifyBtn.textContent = t("guard.notify_on");
    if (Notification.permission === "denied") notifyBtn.textContent = t("guard.notify_denied");
  }
  notifyBtn.addEventListener("click", function () {
    Notification.requestPermission().then(notifyLabel);
  });
  notifyLabel();

  function where(id) {
    var card = list.querySelector('article[data-id="' + id + '"] [data-first]');
    return card ? card.textContent.replace(/\s+/g, " ").trim() : "";
  }
  function tell(ev) {
    beep();
    if (document.visibilityState !== "hidden") return;
    if (navigator.vibrate) navigator.vibrate(ev.level === "high" ? [400, 150, 400, 150, 400] : [300, 150, 300]);
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    var text = where(ev.id) || (ev.site + " / " + ev.terminal);
    var n = new Notification(t("notify." + ev.action, text), {
      tag: ev.id, renotify: true, requireInteraction: ev.level === "high", icon: "/icon-192.png" });
    n.onclick = function () { window.focus(); n.close(); };
  }

  // Screen Wake Lock, for a tablet on the guard desk.
  var lock = null, wantLock = false;
  function acquire() {
    navigator.wakeLock.request("screen").then(function (l) {
      lock = l;
      wakeBtn.textContent = t("guard.wake_on");
      wakeBtn.setAttribute("aria-pressed", "true");
      l.addEventListener("release", function () {
        lock = null;
        if (!wantLock) { wakeBtn.textContent = t("guard.wake_off"); wakeBtn.setAttribute("aria-pressed", "false"); }
      });
    }).catch(function () { wantLock = false; });
  }
  if ("wakeLock" in navigator) {
    wakeBtn.hidden = false;
    wakeBtn.addEventListener("click", function () {
      wantLock = !wantLock;
      if (wantLock) acquire(); else if (lock) lock.release();
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      if (wantLock && !lock) acquire();
      refresh();
    }
  });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.hasAttribute("data-ajax")) return;
    e.preventDefault();
    fetch(form.action, { method: "POST", body: new FormData(form, e.submitter), credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf } }).then(function (r) {
      if (!r.ok) return r.text().then(function (m) { alert(m); });
    }).finally(function () { refresh(); });
  });

  var loud = { raised: true, renotified: true, escalated: true };
  var es = new EventSource("/events");
  es.onopen = function () { live.textContent = t("guard.live"); live.className = "live on"; refresh(); };
  es.onerror = function () { live.textContent = t("guard.reconnecting"); live.className = "live"; };
  es.onmessage = function (m) {
    var ev = JSON.parse(m.data);
    if (ev.kind !== "incident") return;
    var key = ev.id + ev.action;
    if (loud[ev.action] && (!told[key] || ev.action === "renotified")) {
      told[key] = true;
      refresh(function () { tell(ev); });
      return;
    }
    refresh();
  };

  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(function () {});
  setInterval(ages, 1000);
  ages();
})();
