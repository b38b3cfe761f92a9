// NetDetect review page: plain JS, no build step, talks only to this origin's /v1 API.
(() => {
  "use strict";
  const KEY = "netdetect.apiKey";
  const $ = (s) => document.querySelector(s);
  const state = { clusters: [], details: new Map(), shown: [], index: -1, current: null, cy: null };

  const key = () => sessionStorage.getItem(KEY) || "";
  const fmt = (x, d = 3) => (typeof x === "number" ? x.toFixed(d) : "");
  const day = (iso) => (iso ? String(iso).slice(0, 10) : "");
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  const td = (text, cls) => el("td", text === undefined || text === null ? "" : String(text), cls);

  async function api(path, options = {}) {
    const headers = Object.assign({ "X-Api-Key": key() }, options.headers || {});
    const r = await fetch(path, Object.assign({}, options, { headers }));
    if (!r.ok) {
      let detail = r.statusText;
      try { const p = await r.json(); detail = p.detail || p.title || detail; } catch { /* not JSON */ }
      throw new Error(`${r.status}: ${detail}`);
    }
    return r.headers.get("content-type")?.includes("json") ? r.json() : r.text();
  }

  // d: a cluster's detail, or a list item (both carry first_share and last_share)
  function span(d) {
    if (!d || !d.first_share || !d.last_share) return "";
    const h = (Date.parse(d.last_share) - Date.parse(d.first_share)) / 3.6e6;
    return `${day(d.first_share)} → ${day(d.last_share)} (${h < 48 ? h.toFixed(1) + " h" : (h / 24).toFixed(1) + " d"})`;
  }
  const modalities = (d) => (d && d.evidence && d.evidence.modalities ? Object.keys(d.evidence.modalities).join(", ") : "");
  // the list endpoint carries modalities and time span; clusters stored before it did need their details
  const listed = (c) => Array.isArray(c.modalities);

  // ---- queue ----
  async function loadQueue() {
    if (!key()) { $("#queue-state").textContent = "Enter an API key to load the queue."; return; }
    $("#queue-state").textContent = "Loading…";
    try {
      const status = $("#f-status").value;
      const all = [];
      let cursor = null;
      for (let page = 0; page < 20; page++) {
        const q = new URLSearchParams({ limit: "500" });
        if (status) q.set("status", status);
        if (cursor) q.set("cursor", cursor);
        const body = await api(`/v1/clusters?${q}`);
        all.push(...body.items);
        cursor = body.next_cursor;
        if (!cursor) break;
      }
      all.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
      state.clusters = all;
      // only clusters stored before the list carried modalities and time span need their details, a few at a time
      const missing = all.filter((c) => !listed(c));
      let next = 0;
      const worker = async () => {
        while (next < missing.length) {
          const c = missing[next++];
          if (!state.details.has(c.id)) {
            try { state.details.set(c.id, await api(`/v1/clusters/${encodeURIComponent(c.id)}`)); } catch { /* shown without */ }
          }
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      renderQueue();
    } catch (e) {
      $("#queue-state").textContent = `Could not load clusters (${e.message}).`;
    }
  }

  function renderQueue() {
    const minScore = parseFloat($("#f-min-score").value) || 0;
    const minSize = parseInt($("#f-min-size").value, 10) || 0;
    const text = $("#f-text").value.trim().toLowerCase();
    state.shown = state.clusters.filter((c) => c.score >= minScore && c.size >= minSize
      && (!text || c.id.toLowerCase().includes(text) || c.model_id.toLowerCase().includes(text)));
    const body = $("#queue tbody");
    body.replaceChildren();
    state.shown.forEach((c, i) => {
      const d = listed(c) ? null : state.details.get(c.id)?.detail;
      const tr = el("tr");
      tr.tabIndex = 0;
      tr.dataset.id = c.id;
      tr.setAttribute("aria-selected", String(state.current?.id === c.id));
      const link = el("a", c.id); link.href = `#${encodeURIComponent(c.id)}`;
      const first = el("td"); first.append(link);
      tr.append(first, td(fmt(c.score), "num"), td(c.size, "num"), td(listed(c) ? c.modalities.join(", ") : modalities(d)), td(span(listed(c) ? c : d)), td(c.model_id), td(c.status));
      tr.addEventListener("click", (ev) => { ev.preventDefault(); openAt(i); });
      tr.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); openAt(i); } });
      body.append(tr);
    });
    $("#queue-state").textContent = `${state.shown.length} of ${state.clusters.length} clusters shown, highest score first.`;
  }

  // ---- cluster view ----
  function openAt(i) {
    if (i < 0 || i >= state.shown.length) return;
    state.index = i;
    openCluster(state.shown[i].id);
  }

  async function openCluster(id) {
    try {
      const c = await api(`/v1/clusters/${encodeURIComponent(id)}`);
      state.details.set(id, c);
      state.current = c;
      history.replaceState(null, "", `#${encodeURIComponent(id)}`);
      $("#cluster-section").hidden = false;
      for (const tr of document.querySelectorAll("#queue tbody tr")) {
        const on = tr.dataset.id === id;
        tr.setAttribute("aria-selected", String(on));
        if (on) tr.focus({ preventScroll: true });
      }
      renderCluster(c);
      await Promise.all([renderNetwork(c), renderReviews(c.id)]);
    } catch (e) {
      $("#queue-state").textContent = `Could not open ${id} (${e.message}).`;
    }
  }

  function renderCluster(c) {
    const d = c.detail || {};
    $("#cluster-title").textContent = `Cluster ${c.id}`;
    $("#cluster-facts").textContent = `score ${fmt(c.score)} · ${c.size} accounts · ${d.edges ?? "?"} edges · density ${fmt(d.density, 2)} · `
      + `modalities: ${modalities(d) || "none"} · ${span(d)} · model ${c.model_id} · ${c.status} (${c.reviews} reviews)`;
    const members = $("#members tbody");
    members.replaceChildren();
    for (const a of d.accounts || []) {
      const tr = el("tr");
      const box = el("input"); box.type = "checkbox"; box.value = a.account_id; box.id = `ov-${a.account_id}`;
      const lab = el("label", "override", "sr"); lab.htmlFor = box.id; lab.textContent = `override for ${a.account_id}`;
      const cell = el("td"); cell.append(box, lab);
      const name = a.screen_name ? `${a.account_id} (@${a.screen_name})` : a.account_id;
      tr.append(cell, td(name), td(fmt(a.score), "num"), td(a.verdict, `verdict-${a.verdict}`), td(a.reasons), td(day(a.created_at)), td(a.client), td(a.followers, "num"));
      members.append(tr);
    }
    const ev = $("#evidence tbody");
    ev.replaceChildren();
    for (const o of d.evidence?.top_objects || []) {
      const dt = Math.abs(o.delta_seconds);
      const tr = el("tr");
      tr.append(td(o.modality), td(o.object_id), td(o.edges, "num"), td(`${o.example_post_a} ↔ ${o.example_post_b}`),
        td(dt < 120 ? `${dt.toFixed(0)} s` : `${(dt / 60).toFixed(1)} min`, "num"), td(fmt(o.idf, 2), "num"));
      ev.append(tr);
    }
    renderTimeline(d.timeline || []);
    $("#decision-state").textContent = "";
    $("#note").value = "";
  }

  async function renderNetwork(c) {
    const box = $("#network");
    if (state.cy) { state.cy.destroy(); state.cy = null; }
    const xml = new DOMParser().parseFromString(await api(`/v1/clusters/${encodeURIComponent(c.id)}/network.gexf`), "application/xml");
    const verdict = new Map((c.detail?.accounts || []).map((a) => [a.account_id, a]));
    const elements = [];
    for (const n of xml.getElementsByTagName("node")) {
      const label = n.getAttribute("label") || n.getAttribute("id");
      const a = verdict.get(label);
      elements.push({ data: { id: "n" + n.getAttribute("id"), label: a && a.screen_name ? "@" + a.screen_name : label, score: a ? a.score : 0.5, verdict: a ? a.verdict : "" } });
    }
    for (const e of xml.getElementsByTagName("edge")) {
      elements.push({ data: { id: "e" + (e.getAttribute("id") || elements.length), source: "n" + e.getAttribute("source"), target: "n" + e.getAttribute("target"), weight: parseFloat(e.getAttribute("weight") || "1") } });
    }
    box.setAttribute("aria-label", `Coordination network of ${c.id}: ${xml.getElementsByTagName("node").length} accounts, ${xml.getElementsByTagName("edge").length} edges`);
    state.cy = window.cytoscape({
      container: box,
      elements,
      layout: { name: "cose", animate: false, randomize: false, padding: 30, nodeRepulsion: () => 40000, idealEdgeLength: () => 80 },
      maxZoom: 2.5,
      minZoom: 0.2,
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 8, "text-valign": "bottom", "text-margin-y": 2, "text-background-color": "#fafbfc", "text-background-opacity": 0.8, width: 14, height: 14, "background-color": "#0b4f9c", color: "#222" } },
        { selector: "node[verdict = 'coordinated']", style: { "background-color": "#a4161a" } },
        { selector: "node[verdict = 'suspicious']", style: { "background-color": "#d08a00" } },
        { selector: "edge", style: { width: "mapData(weight, 0, 20, 1, 6)", "line-color": "#8a9bb0", opacity: 0.8 } },
      ],
    });
    // a small cluster would otherwise be blown up to fill the box, labels and all
    if (state.cy.zoom() > 1.2) { state.cy.zoom(1.2); state.cy.center(); }
  }

  // One row per member, one tick per post; shared x axis so co-activity lines up vertically.
  function renderTimeline(rows) {
    const box = $("#timeline");
    box.replaceChildren();
    const all = rows.flatMap((r) => r.times);
    if (!all.length) { box.textContent = "No post times for this cluster."; return; }
    let lo = Infinity, hi = -Infinity;
    for (const t of all) { if (t < lo) lo = t; if (t > hi) hi = t; }
    if (hi === lo) hi = lo + 1;
    const ns = "http://www.w3.org/2000/svg", W = 600, left = 110, rowH = 14, top = 6;
    const H = top + rows.length * rowH + 26;
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", `Post times of ${rows.length} members from ${new Date(lo / 1000).toISOString()} to ${new Date(hi / 1000).toISOString()}`);
    const x = (t) => left + ((t - lo) / (hi - lo)) * (W - left - 10);
    const add = (tag, attrs, text) => { const e = document.createElementNS(ns, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); if (text) e.textContent = text; svg.append(e); return e; };
    rows.forEach((r, i) => {
      const y = top + i * rowH;
      add("text", { x: 4, y: y + 10, "font-size": 9, fill: "#222" }, r.account_id.length > 18 ? r.account_id.slice(0, 17) + "…" : r.account_id);
      add("line", { x1: left, x2: W - 10, y1: y + 7, y2: y + 7, stroke: "#e0e0e0" });
      let d = "";
      for (const t of r.times) { const xx = x(t).toFixed(1); d += `M${xx} ${y + 2}V${y + 12}`; }
      add("path", { d, stroke: "#0b4f9c", "stroke-width": 1.2 });
    });
    const axisY = top + rows.length * rowH + 14;
    add("text", { x: left, y: axisY, "font-size": 9, fill: "#222" }, new Date(lo / 1000).toISOString().slice(0, 16).replace("T", " "));
    add("text", { x: W - 10, y: axisY, "font-size": 9, fill: "#222", "text-anchor": "end" }, new Date(hi / 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC");
    box.append(svg);
  }

  async function renderReviews(id) {
    const list = $("#reviews");
    list.replaceChildren();
    const reviews = await api(`/v1/clusters/${encodeURIComponent(id)}/reviews`);
    if (!reviews.length) list.append(el("li", "none yet"));
    for (const r of reviews) {
      list.append(el("li", `${r.created_at.slice(0, 19).replace("T", " ")} ${r.reviewer}: ${r.decision}`
        + (r.accounts ? ` (accounts: ${r.accounts.join(", ")})` : "") + (r.note ? ` — ${r.note}` : "")));
    }
  }

  async function decide(decision) {
    const c = state.current;
    if (!c) return;
    const accounts = [...document.querySelectorAll("#members tbody input:checked")].map((b) => b.value);
    const body = { decision, note: $("#note").value || null, accounts: accounts.length ? accounts : null };
    $("#decision-state").textContent = "Saving…";
    try {
      const r = await api(`/v1/clusters/${encodeURIComponent(c.id)}/reviews`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) },
        body: JSON.stringify(body),
      });
      $("#decision-state").textContent = `Recorded: ${r.decision} by ${r.reviewer}.`;
      const s = state.clusters.find((x) => x.id === c.id);
      if (s) { s.status = "reviewed"; s.reviews += 1; }
      await renderReviews(c.id);
    } catch (e) {
      $("#decision-state").textContent = `Not recorded (${e.message}).`;
    }
  }

  // ---- wiring ----
  function showKeyState() { $("#key-state").textContent = key() ? "Key set for this browser session." : "No key yet."; }

  $("#key-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(KEY, $("#api-key").value.trim());
    $("#api-key").value = "";
    showKeyState();
    loadQueue();
  });
  for (const id of ["#f-min-score", "#f-min-size", "#f-text"]) $(id).addEventListener("input", renderQueue);
  $("#f-status").addEventListener("change", loadQueue);
  $("#reload").addEventListener("click", loadQueue);
  for (const b of document.querySelectorAll("[data-decision]")) b.addEventListener("click", () => decide(b.dataset.decision));
  $("#gexf-link").addEventListener("click", async (ev) => {
    ev.preventDefault();
    if (!state.current) return;
    const blob = new Blob([await api(`/v1/clusters/${encodeURIComponent(state.current.id)}/network.gexf`)], { type: "application/gexf+xml" });
    const a = el("a"); a.href = URL.createObjectURL(blob); a.download = `${state.current.id}.gexf`; a.click();
  });
  document.addEventListener("keydown", (ev) => {
    const t = ev.target;
    if (ev.key === "Escape" && t instanceof HTMLElement) { t.blur(); return; }
    if (ev.ctrlKey || ev.metaKey || ev.altKey || (t instanceof HTMLElement && t.matches("input, textarea, select"))) return;
    const k = ev.key;
    if (k === "j") openAt(Math.min(state.index + 1, state.shown.length - 1));
    else if (k === "k") openAt(Math.max(state.index - 1, 0));
    else if (k === "c") decide("confirmed");
    else if (k === "d") decide("dismissed");
    else if (k === "e") decide("escalated");
    else if (k === "n") { ev.preventDefault(); $("#note").focus(); }
    else if (k === "r") loadQueue();
    else return;
  });

  showKeyState();
  loadQueue().then(() => {
    const want = decodeURIComponent(location.hash.slice(1));
    const i = state.shown.findIndex((c) => c.id === want);
    if (i >= 0) openAt(i);
  });
})();
