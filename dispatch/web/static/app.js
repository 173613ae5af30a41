// Guard console: live list over Server-Sent Events, buttons without
// reload, a sound for each new high alert. No framework, no build step.
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
  var beeped = {};
  var audio = null;
  var busy = false, again = false;

  function ages() {
    var now = Date.now();
    list.querySelectorAll("[data-created]").forEach(function (el) {
      var s = Math.max(0, Math.round((now - Number(el.dataset.created)) / 1000));
      var age = el.querySelector("[data-age]");
      if (age) age.textContent = s < 120 ? t("age.s", s) : t("age.min", Math.round(s / 60));
    });
  }

  // refresh swaps in the server-rendered list; overlapping calls coalesce.
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch("/incidents/list", { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (r.status === 401) { location.href = "/login"; return null; }
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html !== null && html !== undefined) { list.innerHTML = html; ages(); }
    }).finally(function () {
      busy = false;
      if (again) { again = false; refresh(); }
    });
  }

  function beep() {
    if (!audio) return;
    document.body.dataset.beeps = String(Number(document.body.dataset.beeps || 0) + 1);
    [0, 0.35].forEach(function (t) {
      var o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = 880; g.gain.value = 0.3;
      o.connect(g); g.connect(audio.destination);
      o.start(audio.currentTime + t); o.stop(audio.currentTime + t + 0.25);
    });
  }

  document.getElementById("sound").addEventListener("click", function (e) {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    audio.resume();
    e.target.textContent = t("guard.sound_on");
    beep();
  });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.hasAttribute("data-ajax")) return;
    e.preventDefault();
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf } }).then(function (r) {
      if (!r.ok) return r.text().then(function (t) { alert(t); });
    }).finally(refresh);
  });

  var es = new EventSource("/events");
  es.onopen = function () { live.textContent = t("guard.live"); live.className = "live on"; refresh(); };
  es.onerror = function () { live.textContent = t("guard.reconnecting"); live.className = "live"; };
  es.onmessage = function (m) {
    var ev = JSON.parse(m.data);
    if (ev.kind === "incident" && (ev.action === "raised" || ev.action === "escalated") && ev.level === "high" &&
        !beeped[ev.id + ev.action]) {
      beeped[ev.id + ev.action] = true;
      beep();
    }
    if (ev.kind === "incident") refresh();
  };
  setInterval(ages, 1000);
  ages();
})();
