// Shows, step by step, the numbers the engine's walk wrote (page-data); computes none itself
// (live.js recomputes them, with the op table's JavaScript forms, when an input changes).
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("page-data").textContent);
  const NONE = "—";
  // The page's words, in its language (viz.words); "{name}" placeholders filled by fill().
  const W = data.words;
  const fill = (text, fields) => text.replace(/\{(\w+)\}/g, (m, key) => String(fields[key]));
  const DATA = W["field.data"] + " ", GRAD = W["field.grad"] + " ";
  const total = data.steps.length;
  const $ = (id) => document.getElementById(id);
  const graph = $("graph");
  const svg = graph.querySelector("svg");

  // The drawing's groups by their Graphviz title (the compact style): "n3" a node with its op,
  // "n1->n3" the edge from its input n1, labelled with the local derivative's number alone.
  const groups = {};
  document.querySelectorAll("#graph g.node, #graph g.edge").forEach((g) => {
    const title = g.querySelector("title");
    if (title) (groups[title.textContent] = groups[title.textContent] || []).push(g);
  });
  const first = (title) => (groups[title] || [])[0] || null;
  const rowText = (box, prefix) =>
    box ? [...box.querySelectorAll("text")].find((t) => t.textContent.startsWith(prefix)) : null;

  const nodes = data.nodes.map((node, i) => {
    const box = first("n" + i);
    const seen = {};
    const edges = (node.locals || []).map((local) => {
      const k = (seen[local.svg] = (seen[local.svg] || 0) + 1) - 1; // x * x: two edges n0->o1
      const g = (groups[local.svg] || [])[k] || null;
      return { g: g, label: g ? g.querySelector("text") : null, tip: g ? g.querySelector("a") : null,
               local: local };
    });
    return { node: node, box: box, data: rowText(box, DATA), grad: rowText(box, GRAD),
             edges: edges, row: null };
  });

  const tbody = document.querySelector("#values tbody");
  nodes.forEach((n, i) => {
    const row = document.createElement("tr");
    row.dataset.node = String(i);
    row.innerHTML = "<td></td><td></td><td></td>";
    row.cells[0].textContent = n.node.name;
    row.addEventListener("click", () => select(i));
    tbody.appendChild(row);
    n.row = row;
    if (n.box) n.box.addEventListener("click", () => select(i));
  });

  let k = Math.min(Math.max(data.start, 0), total);
  let selected = null;
  let timer = null;
  let state = { values: {}, grads: {} };
  // What the live page and its quiz (live.js, quiz.js) read and drive: they rewrite `data`'s
  // texts and call render(); beforeNext(k) may hold the step k + 1 back (false).
  const hooks = { beforeNext: null };
  window.stepperPage = { data: data, hooks: hooks, go: (step) => go(step), at: () => k,
                         render: () => render() };

  function stateAt(step) {
    const values = {}, grads = {};
    data.nodes.forEach((node, i) => { if (node.value !== null) values[i] = node.value; });
    for (let s = 0; s < step; s++) {
      for (const [kind, i, text] of data.steps[s].sets) (kind === "value" ? values : grads)[i] = text;
    }
    return { values: values, grads: grads };
  }

  function setText(el, prefix, text) {
    if (!el) return;
    el.textContent = prefix + (text === undefined ? NONE : text);
    el.classList.toggle("unknown", text === undefined);
  }

  function mark(cls, elements) {
    document.querySelectorAll("." + cls).forEach((el) => el.classList.remove(cls));
    elements.forEach((el) => { if (el) el.classList.add(cls); });
  }

  function render() {
    state = stateAt(k);
    nodes.forEach((n, i) => {
      const value = state.values[i], grad = state.grads[i];
      setText(n.data, DATA, value);
      setText(n.grad, GRAD, grad);
      n.edges.forEach((e) => {  // the number once the node is computed; ∂ = number its tooltip
        if (e.label) e.label.textContent = value === undefined ? "" : "\u00a0" + e.local.value;
        const tip = e.local.edge + (value === undefined ? "" : " = " + e.local.value);
        if (e.tip) e.tip.setAttributeNS("http://www.w3.org/1999/xlink", "title", tip);
      });
      setText(n.row.cells[1], "", value);
      setText(n.row.cells[2], "", grad);
    });
    const step = k > 0 ? data.steps[k - 1] : null;
    if (step) {
      const n = nodes[step.node];
      const backward = step.backward;
      // forward: the edges read, red; backward: the edges the gradient is sent back along, blue
      const edges = step.edges.map((arg) => n.edges[arg].g);
      const inputs = step.edges.map((arg) => nodes[n.node.inputs[arg]]);
      mark("current", [n.box, n.row, ...(backward ? [] : edges)]);
      mark("sending", backward ? edges : []);
      mark("receiving", backward ? inputs.map((m) => m.box).concat(inputs.map((m) => m.row)) : []);
      if (svg && natural.width) keepInView(n.box);
      $("heading").textContent = step.heading;
      $("sentence").textContent = step.sentence;
      $("formula").textContent = step.formula;
    } else {
      ["current", "sending", "receiving"].forEach((cls) => mark(cls, []));
      const known = data.nodes.filter((node) => node.value !== null).map((node) => node.name);
      $("heading").textContent = W["stepper.before"];
      $("sentence").textContent = fill(W["page.only_inputs"], { names: known.join(W["page.list_separator"]) });
      $("formula").textContent = "";
    }
    if (k === total) $("sentence").textContent += W["page.done"];
    $("slider").value = String(k);
    $("counter").textContent = fill(W["page.counter"], { number: k, total: total });
    $("first").disabled = $("prev").disabled = k === 0;
    $("next").disabled = k === total;
    showSelected();
  }

  function go(step) {
    if (step === k + 1 && hooks.beforeNext && !hooks.beforeNext(k)) { pause(); return; }
    k = Math.min(Math.max(step, 0), total);
    render();
  }

  function select(i) {
    selected = i;
    mark("selected", [nodes[i].box, nodes[i].row]);
    showSelected();
  }

  function showSelected() {
    if (selected === null) return;
    const node = data.nodes[selected], value = state.values[selected], grad = state.grads[selected];
    const box = $("explainer");
    box.innerHTML = "";
    const h = document.createElement("h2");
    h.textContent = node.name + " (" + node.role_text + ")";
    const dl = document.createElement("dl");
    const add = (term, text) => {
      const dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = term;
      dd.textContent = text === undefined ? NONE : text;
      dl.append(dt, dd);
    };
    add(W["field.value"], value);
    add(W["field.grad"], grad);
    if (node.op) add(W["field.op"], node.op);
    (node.locals || []).forEach((local) => add(local.edge, value === undefined ? undefined : local.value));
    box.append(h, dl);
    if (node.chain) {
      const pre = document.createElement("pre");
      pre.id = "chain";
      pre.textContent = node.chain;
      box.append(pre);
    }
  }

  function play() {
    if (timer !== null) { pause(); return; }
    if (k === total) go(0);
    $("play").textContent = W["page.pause"];
    timer = setInterval(() => { if (k >= total) pause(); else go(k + 1); }, 900);
  }

  function pause() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    $("play").textContent = W["page.play"];
  }

  $("first").addEventListener("click", () => { pause(); go(0); });
  $("prev").addEventListener("click", () => { pause(); go(k - 1); });
  $("next").addEventListener("click", () => { pause(); go(k + 1); });
  $("play").addEventListener("click", play);
  $("slider").max = String(total);
  $("slider").addEventListener("input", () => { pause(); go(Number($("slider").value)); });
  document.addEventListener("keydown", (event) => {
    if (event.target.matches("input, textarea, select") || event.altKey || event.ctrlKey ||
        event.metaKey) return;
    const moves = { ArrowRight: k + 1, ArrowDown: k + 1, ArrowLeft: k - 1, ArrowUp: k - 1,
                    Home: 0, End: total };
    if (event.key in moves) { pause(); go(moves[event.key]); }
    else if (event.key === " " && event.target.tagName !== "BUTTON") play();
    else return;
    event.preventDefault();
  });

  // Pan and zoom: the drawing at its own size (scale 1: Graphviz's 10-11 pt, 13-15 px text)
  // moved and scaled inside the graph's frame; never smaller than MIN_TEXT px of text.
  const MIN_TEXT = 10;
  const view = { scale: 1, x: 0, y: 0, least: 1 };
  let natural = { width: 0, height: 0 };
  function place() {
    const w = graph.clientWidth, h = graph.clientHeight;
    const sw = natural.width * view.scale, sh = natural.height * view.scale;
    // the drawing stays in its frame: centred when smaller, its edges never inside when larger
    view.x = sw <= w ? (w - sw) / 2 : Math.min(0, Math.max(w - sw, view.x));
    view.y = sh <= h ? (h - sh) / 2 : Math.min(0, Math.max(h - sh, view.y));
    svg.style.transform = "translate(" + view.x + "px, " + view.y + "px) scale(" + view.scale + ")";
    graph.dataset.scale = view.scale.toFixed(3);
  }
  function zoomTo(scale, cx, cy) {
    const s = Math.min(4, Math.max(view.least, scale));
    if (cx === undefined) { cx = graph.clientWidth / 2; cy = graph.clientHeight / 2; }
    view.x = cx - (cx - view.x) * s / view.scale;
    view.y = cy - (cy - view.y) * s / view.scale;
    view.scale = s;
    place();
  }
  function fit() {
    view.scale = Math.max(view.least, Math.min(1, graph.clientWidth / natural.width));
    graph.style.height = Math.min(natural.height * view.scale + 2, window.innerHeight * 0.75) + "px";
    view.x = 0; view.y = 0;
    place();
  }
  function keepInView(g) {  // the current step's node: panned into the frame if outside it
    if (!g) return;
    const r = g.getBoundingClientRect(), f = graph.getBoundingClientRect();
    if (r.left >= f.left && r.right <= f.right && r.top >= f.top && r.bottom <= f.bottom) return;
    view.x += (f.left + f.width / 2) - (r.left + r.width / 2);
    view.y += (f.top + f.height / 2) - (r.top + r.height / 2);
    place();
  }
  if (svg) {
    // A backward edge's arrow points back, from the node to its input (as the drawings' legend
    // says): the drawn head is hidden and this marker put at the edge's start.
    const defs = document.createElementNS("http://www.w3.org/2000/svg", "defs");
    defs.innerHTML = '<marker id="back-arrow" viewBox="0 0 10 10" refX="9" refY="5" ' +
      'markerWidth="4" markerHeight="4" orient="auto-start-reverse">' +
      '<path d="M0,0 L10,5 L0,10 z" fill="var(--gradient)" stroke="none"/></marker>';
    svg.prepend(defs);
    const box = svg.viewBox.baseVal;
    natural = { width: box.width * 4 / 3, height: box.height * 4 / 3 };  // pt → px
    svg.setAttribute("width", String(natural.width));
    svg.setAttribute("height", String(natural.height));
    const sizes = [...svg.querySelectorAll("text")].map((t) => Number(t.getAttribute("font-size")) || 14);
    view.least = MIN_TEXT / (Math.min(...sizes, 14) * 4 / 3);  // the smallest text at MIN_TEXT px
    graph.classList.add("panzoom");
    graph.addEventListener("wheel", (event) => {
      event.preventDefault();  // a wheel or a pinch (ctrl + wheel) zooms about the pointer
      const f = graph.getBoundingClientRect();
      zoomTo(view.scale * Math.exp(-event.deltaY * (event.ctrlKey ? 0.01 : 0.002)),
             event.clientX - f.left, event.clientY - f.top);
    }, { passive: false });
    const pointers = new Map();
    let drag = null;
    graph.addEventListener("pointerdown", (event) => {
      pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, moved: false,
               spread: null, scale: view.scale };
    });
    graph.addEventListener("pointermove", (event) => {
      if (!drag || !pointers.has(event.pointerId)) return;
      pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (pointers.size === 2) {  // two fingers: pinch
        const [a, b] = [...pointers.values()];
        const spread = Math.hypot(a.x - b.x, a.y - b.y);
        if (drag.spread === null) { drag.spread = spread; drag.scale = view.scale; return; }
        zoomTo(drag.scale * spread / drag.spread);
        return;
      }
      const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;  // a click selects a node
      if (!drag.moved) graph.setPointerCapture(event.pointerId);
      drag.moved = true;
      view.x = drag.vx + dx; view.y = drag.vy + dy;
      place();
    });
    const up = (event) => { pointers.delete(event.pointerId); if (!pointers.size) drag = null; };
    graph.addEventListener("pointerup", up);
    graph.addEventListener("pointercancel", up);
    document.addEventListener("keydown", (event) => {
      if (event.target.matches("input, textarea, select") || event.altKey || event.ctrlKey ||
          event.metaKey) return;
      if (event.key === "+" || event.key === "=") zoomTo(view.scale * 1.25);
      else if (event.key === "-" || event.key === "_") zoomTo(view.scale / 1.25);
      else if (event.key === "0") fit();
      else return;
      event.preventDefault();
    });
    $("zoom-in").addEventListener("click", () => zoomTo(view.scale * 1.25));
    $("zoom-out").addEventListener("click", () => zoomTo(view.scale / 1.25));
    $("zoom").addEventListener("click", fit);
  } else {
    ["zoom", "zoom-in", "zoom-out"].forEach((id) => { $(id).hidden = true; });
  }

  // A page around this one's frame (a mkdocs-material site, viz.web.notebook) tells its colour
  // scheme, which a sandboxed frame cannot read: "slate" dark, "default" light.
  window.addEventListener("message", (event) => {
    const scheme = event.data && event.data.microgradScheme;
    if (scheme === "slate" || scheme === "default") {
      document.documentElement.setAttribute("data-md-color-scheme", scheme);
    }
  });

  $("noscript").hidden = true;
  $("controls").hidden = false;
  $("details").hidden = false;
  $("all-steps").open = false;
  render();
  // A frame not laid out yet (a notebook's iframe) has no width: fit once it has one.
  function start() {
    if (!graph.clientWidth) return false;
    fit();
    render();
    return true;
  }
  if (svg && !start()) {
    const later = () => { if (start()) window.removeEventListener("resize", later); };
    window.addEventListener("resize", later);
    window.addEventListener("load", later);
  }
})();
