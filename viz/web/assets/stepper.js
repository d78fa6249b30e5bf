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

  // The drawing's groups by their Graphviz title: "n3" a value box, "o3" its op, "n1->o3" an edge.
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
      return { g: g, label: g ? g.querySelector("text") : null, local: local };
    });
    return { node: node, box: box, op: first("o" + i), out: first("o" + i + "->n" + i),
             data: rowText(box, DATA), grad: rowText(box, GRAD), edges: edges, row: null };
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
    if (n.op) n.op.addEventListener("click", () => select(i));
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
      n.edges.forEach((e) => {
        if (e.label) e.label.textContent = e.local.edge + (value === undefined ? "" : " = " + e.local.value);
      });
      setText(n.row.cells[1], "", value);
      setText(n.row.cells[2], "", grad);
    });
    const step = k > 0 ? data.steps[k - 1] : null;
    if (step) {
      const n = nodes[step.node];
      const backward = step.backward;
      // forward: the edges read, red; backward: the edges the gradient is sent back along, blue
      const edges = step.edges.length ? [n.out, ...step.edges.map((arg) => n.edges[arg].g)] : [];
      const inputs = step.edges.map((arg) => nodes[n.node.inputs[arg]]);
      mark("current", [n.box, n.op, n.row, ...(backward ? [] : edges)]);
      mark("sending", backward ? edges : []);
      mark("receiving", backward ? inputs.map((m) => m.box).concat(inputs.map((m) => m.row)) : []);
      if (n.box && !graph.classList.contains("fit")) n.box.scrollIntoView({ block: "nearest", inline: "center" });
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

  // Reading size: 12.5 px text (Graphviz's 11 pt at its 96 dpi); "fit" shows the whole graph.
  function zoom(fit) {
    graph.classList.toggle("fit", fit);
    $("zoom").textContent = fit ? W["page.reading_size"] : W["page.fit"];
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
    svg.setAttribute("width", String(Math.round(box.width * 0.85)));
    svg.setAttribute("height", String(Math.round(box.height * 0.85)));
    $("zoom").addEventListener("click", () => zoom(!graph.classList.contains("fit")));
  } else {
    $("zoom").hidden = true;
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
  // Fit a graph that fits at 3/4 of reading size or more (the book's σ(wx + b) on a laptop's
  // page, text 9.4 px or larger); a wider one keeps reading size and scrolls. A frame not
  // laid out yet (a notebook's iframe) has no width: decide once it has one.
  const FIT_AT_LEAST = 0.75;
  function autoZoom() {
    if (!graph.clientWidth) return false;
    zoom(graph.clientWidth >= FIT_AT_LEAST * Number(svg.getAttribute("width")));
    return true;
  }
  if (svg && !autoZoom()) {
    const later = () => { if (autoZoom()) window.removeEventListener("resize", later); };
    window.addEventListener("resize", later);
    window.addEventListener("load", later);
  }
})();
