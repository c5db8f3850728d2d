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


  /* The map to pick a point: communes drawn as cells around their centroids (basemap.py), in km on a
   * local projection given by the page. A tap sets latitude and longitude and the commune whose cell
   * holds the point; the citizen can change the commune in the list. */
  function setupMap(onPick) {
    var box = document.getElementById("pick-map");
    if (!box) { return null; }
    var svg = document.getElementById("pick-svg");
    var pin = document.getElementById("map-pin");
    var status = document.getElementById("map-status");
    var select = document.getElementById("id_commune");
    var lat0 = parseFloat(box.dataset.lat0), lon0 = parseFloat(box.dataset.lon0);
    var kx = parseFloat(box.dataset.kx), ky = parseFloat(box.dataset.ky);
    var vb = svg.viewBox.baseVal;
    var full = { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
    var view = { x: full.x, y: full.y, w: full.w, h: full.h };
    var cells = Array.prototype.slice.call(svg.querySelectorAll(".fb-cell"));
    var labels = svg.querySelector(".fb-labels");
    var PIN_PX = 7;

    function cellAt(x, y) {
      // the nearest centroid, if the point lies in its cell (else outside the province)
      var best = null, bestD = Infinity;
      cells.forEach(function (c) {
        var dx = x - parseFloat(c.dataset.x), dy = y - parseFloat(c.dataset.y), d = dx * dx + dy * dy;
        if (d < bestD) { bestD = d; best = c; }
      });
      if (!best) { return null; }
      var pts = best.points, inside = false;
      for (var i = 0, j = pts.numberOfItems - 1; i < pts.numberOfItems; j = i++) {
        var a = pts.getItem(i), b = pts.getItem(j);
        if ((a.y > y) !== (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x) { inside = !inside; }
      }
      return inside ? best : null;
    }
    function pxPerUnit() { return svg.getBoundingClientRect().width / view.w; }
    function setView() {
      svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
      pin.setAttribute("r", String(PIN_PX / pxPerUnit()));
      box.classList.toggle("zoomed", view.w < full.w * 0.999);
      // names only when zoomed in enough to be read; sized in screen pixels whatever the zoom
      box.classList.toggle("detail", view.w <= full.w / 3.9 || cells.length <= 12);
      labels.setAttribute("font-size", String(12 / pxPerUnit()));
    }
    function highlight(pk) {
      cells.forEach(function (c) { c.classList.toggle("is-chosen", c.dataset.unit === pk); });
    }
    function place(x, y, source, inferCommune) {
      var lat = lat0 - y / ky, lon = lon0 + x / kx;
      pin.setAttribute("cx", String(x)); pin.setAttribute("cy", String(y));
      pin.classList.add("is-set");
      setView();
      var cell = cellAt(x, y);
      if (cell && inferCommune && select) { select.value = cell.dataset.unit; }
      highlight(select ? select.value : "");
      status.textContent = cell
        ? text("msg-map-chosen") + " " + cell.dataset.name + " (" + lat.toFixed(5) + ", " + lon.toFixed(5) + "). " + text("msg-map-correct")
        : text("msg-map-outside");
      onPick(lat, lon, source);
    }
    function toMap(clientX, clientY) {
      var pt = svg.createSVGPoint();
      pt.x = clientX; pt.y = clientY;
      return pt.matrixTransform(svg.getScreenCTM().inverse());
    }
    function zoom(factor) {
      var cx = pin.classList.contains("is-set") ? parseFloat(pin.getAttribute("cx")) : view.x + view.w / 2;
      var cy = pin.classList.contains("is-set") ? parseFloat(pin.getAttribute("cy")) : view.y + view.h / 2;
      var w = Math.min(full.w, Math.max(full.w / 32, view.w / factor));
      var h = w * full.h / full.w;
      view = w >= full.w ? { x: full.x, y: full.y, w: full.w, h: full.h } : { x: cx - w / 2, y: cy - h / 2, w: w, h: h };
      setView();
    }
    document.getElementById("map-zoom-in").addEventListener("click", function () { zoom(2); });
    document.getElementById("map-zoom-out").addEventListener("click", function () { zoom(0.5); });

    var start = null;
    svg.addEventListener("pointerdown", function (ev) {
      start = { x: ev.clientX, y: ev.clientY, view: { x: view.x, y: view.y, w: view.w, h: view.h }, moved: false };
    });
    svg.addEventListener("pointermove", function (ev) {
      if (!start || view.w >= full.w) { return; }
      var dx = ev.clientX - start.x, dy = ev.clientY - start.y;
      if (!start.moved && dx * dx + dy * dy < 64) { return; }
      start.moved = true;
      var k = pxPerUnit();
      view.x = start.view.x - dx / k; view.y = start.view.y - dy / k;
      setView();
    });
    svg.addEventListener("pointerup", function (ev) {
      if (start && !start.moved) {
        var p = toMap(ev.clientX, ev.clientY);
        place(p.x, p.y, "map", true);
      }
      start = null;
    });
    svg.addEventListener("pointercancel", function () { start = null; });
    if (select) { select.addEventListener("change", function () { highlight(select.value); }); }
    setView();
    return {
      // a position from elsewhere (GPS, a draft): shown on the map; the commune filled only if empty
      show: function (lat, lon, source) {
        place((lon - lon0) * kx, (lat0 - lat) * ky, source, !(select && select.value));
      }
    };
  }

  function setupForm(form) {
    var fields = ["id_category", "id_description", "id_commune", "id_address", "id_name", "id_phone", "id_email",
                  "id_latitude", "id_longitude", "id_location_source"];
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

    function setPoint(lat, lon, source) {
      document.getElementById("id_latitude").value = lat.toFixed(6);
      document.getElementById("id_longitude").value = lon.toFixed(6);
      document.getElementById("id_location_source").value = source;
      save();
    }
    var map = setupMap(setPoint);
    if (map && draft && draft.id_latitude && draft.id_longitude) {
      map.show(parseFloat(draft.id_latitude), parseFloat(draft.id_longitude), draft.id_location_source || "map");
    }

    var gps = document.getElementById("use-gps");
    var gpsStatus = document.getElementById("gps-status");
    gps.addEventListener("click", function () {
      if (!navigator.geolocation) { gpsStatus.textContent = text("msg-gps-no"); return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        setPoint(pos.coords.latitude, pos.coords.longitude, "gps");
        if (map) { map.show(pos.coords.latitude, pos.coords.longitude, "gps"); }
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
      showBesideFields(form, {});
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
        showBesideFields(form, r.body.fields || {});
        errors.scrollIntoView();
      }, function () {
        // Kept in the outbox with its key; the form is cleared for a next report with a new key.
        status.textContent = text("msg-offline");
        forgetDraft(item.key);
        form.reset();
        key.value = newKey();
        // hidden fields keep their values through reset(): the next report must not reuse the point
        ["id_latitude", "id_longitude", "id_location_source"].forEach(function (id) { document.getElementById(id).value = ""; });
        var pin = document.getElementById("map-pin");
        if (pin) { pin.classList.remove("is-set"); }
      });
    });
  }

  // Each refusal of a field under that field (the summary above names fields by their labels).
  function showBesideFields(form, fields) {
    form.querySelectorAll(".c-field-error").forEach(function (el) { el.remove(); });
    Object.keys(fields).forEach(function (name) {
      var input = document.getElementById("id_" + name);
      if (!input || input.type === "hidden") { return; }
      var note = document.createElement("span");
      note.className = "c-field-error errorlist";
      note.textContent = fields[name].map(function (e) { return e.message; }).join(" ");
      input.insertAdjacentElement("afterend", note);
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
