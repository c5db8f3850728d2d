/* The citizen's report form: position with consent, a draft kept on the phone, and an outbox in
 * IndexedDB sent when the network returns. Every submission carries its idempotency key, so a
 * retry gives back the stored report instead of a duplicate. No inline script: CSP. */
(function () {
  "use strict";
  var DRAFT = "pakn-draft";
  var MINE = "pakn-mine";
  var DB = "pakn";
  var STORE = "outbox";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result = fn(t.objectStore(STORE));
        t.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : result); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function putOutbox(item) { return tx("readwrite", function (s) { return s.put(item); }); }
  function dropOutbox(key) { return tx("readwrite", function (s) { return s.delete(key); }); }
  function allOutbox() { return tx("readonly", function (s) { return s.getAll(); }); }

  function remember(code, url) {
    var mine = JSON.parse(localStorage.getItem(MINE) || "[]").filter(function (m) { return m.code !== code; });
    mine.unshift({ code: code, url: url });
    localStorage.setItem(MINE, JSON.stringify(mine.slice(0, 20)));
  }

  function send(item) {
    var fd = new FormData();
    item.entries.forEach(function (e) { fd.append(e[0], e[1]); });
    return fetch(item.action, { method: "POST", body: fd, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": item.csrf } })
      .then(function (resp) {
        return resp.json().then(function (body) { return { ok: resp.ok, status: resp.status, body: body }; });
      });
  }

  function flush() {
    if (!("indexedDB" in window)) { return Promise.resolve(); }
    return allOutbox().then(function (items) {
      return Promise.all((items || []).map(function (item) {
        return send(item).then(function (r) {
          if (r.ok) { remember(r.body.code, r.body.url); forgetDraft(item.key); return dropOutbox(item.key); }
          if (r.status === 400 || r.status === 409) { return dropOutbox(item.key); }
          return null;
        }).catch(function () { return null; });
      }));
    }).then(showOutboxNote, function () {});
  }

  function showOutboxNote() {
    var note = document.getElementById("outbox-note");
    if (!note || !("indexedDB" in window)) { return; }
    allOutbox().then(function (items) { note.hidden = !(items && items.length); }, function () {});
  }

  function listMine() {
    var list = document.getElementById("my-reports");
    if (!list) { return; }
    var mine = JSON.parse(localStorage.getItem(MINE) || "[]");
    mine.forEach(function (m) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = m.url; a.textContent = m.code;
      li.appendChild(a); list.appendChild(li);
    });
    list.hidden = mine.length === 0;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return String(Date.now()) + "-" + Math.random().toString(36).slice(2);
  }

  function forgetDraft(key) {
    var draft = JSON.parse(localStorage.getItem(DRAFT) || "null");
    if (draft && (!key || draft.key === key)) { localStorage.removeItem(DRAFT); }
  }

  function text(id) { var t = document.getElementById(id); return t ? t.content.textContent : ""; }

  function setupForm(form) {
    var fields = ["id_category", "id_description", "id_commune", "id_address", "id_name", "id_phone", "id_email"];
    var key = document.getElementById("id_idempotency_key");
    var draft = JSON.parse(localStorage.getItem(DRAFT) || "null");
    if (draft) {
      fields.forEach(function (id) { var el = document.getElementById(id); if (el && draft[id]) { el.value = draft[id]; } });
      if (draft.key) { key.value = draft.key; }
    } else {
      // A fresh key for every new report: the page may come from the service worker's cache.
      key.value = newKey();
    }
    function save() {
      var d = { key: key.value };
      fields.forEach(function (id) { var el = document.getElementById(id); if (el) { d[id] = el.value; } });
      localStorage.setItem(DRAFT, JSON.stringify(d));
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);

    var gps = document.getElementById("use-gps");
    var gpsStatus = document.getElementById("gps-status");
    gps.addEventListener("click", function () {
      if (!navigator.geolocation) { gpsStatus.textContent = text("msg-gps-no"); return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("id_latitude").value = pos.coords.latitude.toFixed(6);
        document.getElementById("id_longitude").value = pos.coords.longitude.toFixed(6);
        document.getElementById("id_location_source").value = "gps";
        gpsStatus.textContent = text("msg-gps-ok") + " " + pos.coords.latitude.toFixed(5) + ", " + pos.coords.longitude.toFixed(5);
      }, function () { gpsStatus.textContent = text("msg-gps-no"); }, { enableHighAccuracy: true, timeout: 15000 });
    });

    var status = document.getElementById("send-status");
    var errors = document.getElementById("form-errors");
    form.addEventListener("submit", function (ev) {
      if (!window.fetch || !("indexedDB" in window)) { return; }
      ev.preventDefault();
      save();
      var entries = [];
      new FormData(form).forEach(function (value, name) {
        if (value instanceof File && !value.name) { return; }
        entries.push([name, value]);
      });
      var item = { key: key.value, action: form.action, csrf: form.querySelector("[name=csrfmiddlewaretoken]").value, entries: entries };
      status.hidden = false; status.textContent = text("msg-sending");
      errors.textContent = "";
      putOutbox(item).catch(function () {}).then(function () { return send(item); }).then(function (r) {
        if (r.ok) {
          dropOutbox(item.key).catch(function () {});
          localStorage.removeItem(DRAFT);
          remember(r.body.code, r.body.url);
          window.location.assign(r.body.url);
          return;
        }
        dropOutbox(item.key).catch(function () {});
        status.hidden = true;
        errors.textContent = (r.body.errors || []).join(" ");
        errors.scrollIntoView();
      }, function () {
        // Kept in the outbox with its key; the form is cleared for a next report with a new key.
        status.textContent = text("msg-offline");
        forgetDraft(item.key);
        form.reset();
        key.value = newKey();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("report-form");
    if (form) { setupForm(form); }
    listMine();
    showOutboxNote();
    flush();
    window.addEventListener("online", flush);
    var script = document.querySelector("script[data-sw]");
    if ("serviceWorker" in navigator && script) {
      navigator.serviceWorker.register(script.getAttribute("data-sw")).catch(function () {});
    }
  });
})();
