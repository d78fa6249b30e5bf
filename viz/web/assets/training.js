// Scrubs through a recorded run: every number shown is History's (training-data), drawn per
// frame; a <td>'s or stat's data-value holds the full number, its text four digits.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("training-data").textContent);
  const W = data.words, $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const make = (tag, props) => Object.assign(document.createElement(tag), props || {});
  const svgEl = (tag, attrs) => {
    const el = document.createElementNS(SVG, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => el.setAttribute(k, String(v)));
    return el;
  };
  const fmt = (x) => { // four digits, at most nine characters: 9.381e-4 rather than 0.0009381
    if (x === null || x === undefined) return "—";
    const r = Number(x.toPrecision(4)), a = Math.abs(r);
    return a !== 0 && (a < 1e-3 || a >= 1e5) ? r.toExponential() : r.toString();
  };
  const frames = Math.max(...data.runs.map((run) => run.frames.length));
  const slider = $("frame");
  slider.max = String(frames - 1);
  $("keys").textContent = W.keys;
  let at = 0, timer = null;

  function curve(values, epochs, what, box, top) { // what: "loss" or "accuracy"
    const ok = values.map((v, i) => [i, v]).filter(([, v]) => v !== null);
    if (!ok.length) return null;
    const lo = Math.min(...ok.map(([, v]) => v)), hi = Math.max(...ok.map(([, v]) => v));
    const x = (i) => box.x + (box.w * i) / Math.max(epochs - 1, 1);
    const y = (v) => box.y + box.h - (box.h * (v - lo)) / (hi - lo || 1);
    box.svg.append(svgEl("polyline", { points: ok.map(([i, v]) => x(i) + "," + y(v)).join(" "),
                                       class: what + "-line" }));
    const label = svgEl("text", { x: box.x + box.w + 4, y: top, class: what + "-line" });
    label.textContent = W[what];
    box.svg.append(label);
    return x;
  }

  // The network: a column of circles per layer (a neuron's fill its bias), a line per weight;
  // a line's width and opacity grow with |level| (LEVELS: the frame's largest), its colour the
  // sign. mode "params" draws the parameters, "grads" their gradients.
  let mode = "params";
  function networkView(net) {
    const tall = Math.max(...net.sizes), gap = 15, w = 360, h = tall * gap + 10;
    const svg = svgEl("svg", { viewBox: "0 0 " + w + " " + h, role: "img", class: "network" });
    svg.setAttribute("aria-label", W.network);
    const at = (l, n) => [20 + ((w - 40) * l) / (net.sizes.length - 1),
                          h / 2 + (n - (net.sizes[l] - 1) / 2) * gap];
    const lines = net.weights.map(([l, j, n]) => {
      const [x1, y1] = at(l - 1, j), [x2, y2] = at(l, n);
      return svg.appendChild(svgEl("line", { x1: x1, y1: y1, x2: x2, y2: y2 }));
    });
    net.sizes.forEach((size, l) => {
      if (l === 0) for (let n = 0; n < size; n++) svg.append(svgEl("circle", { cx: at(0, n)[0], cy: at(0, n)[1], r: 5 }));
    });
    const circles = net.biases.map(([l, n]) => svg.appendChild(svgEl("circle", { cx: at(l, n)[0], cy: at(l, n)[1], r: 5 })));
    return { svg: svg, lines: lines, circles: circles };
  }
  function drawNetwork(view, frame) {
    const net = view.run.network, level = net[mode][frame], LEVELS = data.levels;
    const sign = (v) => (v > 0 ? "pos" : v < 0 ? "neg" : "zero");
    net.weights.forEach(([, , , p], k) => {
      const t = Math.abs(level[p]) / LEVELS, line = view.network.lines[k];
      line.setAttribute("class", sign(level[p]));
      line.setAttribute("stroke-width", String(0.3 + 3.7 * t));
      line.setAttribute("stroke-opacity", String(0.15 + 0.85 * t));
      line.dataset.level = String(level[p]);
    });
    net.biases.forEach(([, , p], k) => {
      const t = Math.abs(level[p]) / LEVELS, circle = view.network.circles[k];
      circle.setAttribute("class", sign(level[p]));
      circle.setAttribute("fill-opacity", String(0.15 + 0.85 * t));
      circle.dataset.level = String(level[p]);
    });
  }

  const views = data.runs.map((run, r) => {
    const root = make("section", { className: "run", id: "run-" + r });
    root.append(make("h2", { textContent: run.name }));
    const stats = make("p", { className: "stats" });
    const loss = make("span", { className: "loss" }), acc = make("span", { className: "accuracy" });
    stats.append(W.loss + " ", loss, " · " + W.accuracy + " ", acc);
    root.append(stats);
    let canvas = null;
    if (run.regions) {
      root.append(make("h3", { textContent: W.regions }));
      canvas = make("canvas", { width: 320, height: 320 });
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", W.regions);
      root.append(canvas);
    }
    let network = null;
    if (run.network) {
      root.append(make("h3", { textContent: W.network }));
      network = networkView(run.network);
      root.append(network.svg);
    }
    root.append(make("h3", { textContent: W.loss + " / " + W.accuracy }));
    const curves = svgEl("svg", { viewBox: "0 0 360 130", role: "img" });
    const box = { svg: curves, x: 30, y: 8, w: 270, h: 110 };
    curves.append(svgEl("rect", { x: box.x, y: box.y, width: box.w, height: box.h, class: "frame" }));
    const epochs = run.loss.length;
    const xOf = curve(run.loss, epochs, "loss", box, 20);
    curve(run.accuracy, epochs, "accuracy", box, 36);
    const marker = svgEl("line", { y1: box.y, y2: box.y + box.h, class: "marker" });
    curves.append(marker);
    root.append(curves);
    root.append(make("h3", { textContent: W.norms }));
    const layers = run.frames[0].norms.length;
    const norms = svgEl("svg", { viewBox: "0 0 360 " + (layers * 20 + 6), role: "img" });
    const all = run.frames.flatMap((f) => f.norms).filter((v) => v > 0);
    const lo = Math.log10(Math.min(...all, 1e-8)), hi = Math.log10(Math.max(...all, 1e-8));
    const bars = [...Array(layers)].map((_, l) => {
      const label = svgEl("text", { x: 0, y: l * 20 + 15 });
      label.textContent = "l=" + (l + 1);
      const bar = svgEl("rect", { x: 30, y: l * 20 + 4, height: 14, class: "bar" });
      const value = svgEl("text", { y: l * 20 + 15 });
      norms.append(label, bar, value);
      return { bar: bar, value: value };
    });
    root.append(norms);
    root.append(make("h3", { textContent: W.params }));
    const table = make("table", { className: "params" });
    const head = table.createTHead().insertRow();
    W.columns.forEach((c) => head.append(make("th", { textContent: c })));
    const body = table.createTBody();
    const scroll = make("div", { className: "scroll" });
    scroll.append(table);
    root.append(scroll);
    $("runs").append(root);
    return { run, loss, acc, canvas, network, marker, xOf, bars, lo, hi, body };
  });

  function drawRegions(view, frame) {
    const reg = view.run.regions, ctx = view.canvas.getContext("2d");
    const n = reg.grid, cell = view.canvas.width / n, text = reg.cells[frame];
    const shade = (d) => { // 0..9: class 0 (orange) .. class 1 (blue)
      const t = d / 9;
      return "rgb(" + Math.round(253 - 150 * t) + "," + Math.round(186 + 10 * t) + "," +
        Math.round(116 + 137 * t) + ")";
    };
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        ctx.fillStyle = shade(Number(text[i * n + j]));
        ctx.fillRect(j * cell, i * cell, cell + 0.5, cell + 0.5);
      }
    }
    const s = data.samples;
    if (!s) return;
    const [x0, x1, y0, y1] = reg.bounds, size = view.canvas.width;
    s.x.forEach(([a, b], k) => {
      ctx.beginPath();
      ctx.arc(((a - x0) / (x1 - x0)) * size, ((y1 - b) / (y1 - y0)) * size, 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = s.y[k] ? "#1d4ed8" : "#c2410c";
      ctx.fill();
      ctx.strokeStyle = "#fff";
      ctx.stroke();
    });
  }

  function show(frame) {
    at = Math.min(Math.max(frame, 0), frames - 1);
    slider.value = String(at);
    views.forEach((view) => {
      const f = view.run.frames[Math.min(at, view.run.frames.length - 1)];
      $("epoch").textContent = W.epoch.replace("{epoch}", f.epoch)
        .replace("{last}", view.run.frames[view.run.frames.length - 1].epoch);
      view.loss.textContent = fmt(f.loss);
      view.loss.dataset.value = String(f.loss);
      view.acc.textContent = fmt(f.accuracy);
      view.acc.dataset.value = String(f.accuracy);
      if (view.canvas) drawRegions(view, Math.min(at, view.run.frames.length - 1));
      if (view.network) drawNetwork(view, Math.min(at, view.run.frames.length - 1));
      if (view.xOf) {
        const x = view.xOf(f.epoch - 1);
        view.marker.setAttribute("x1", x);
        view.marker.setAttribute("x2", x);
      }
      f.norms.forEach((v, l) => {
        const t = v > 0 ? (Math.log10(v) - view.lo) / (view.hi - view.lo || 1) : 0;
        view.bars[l].bar.setAttribute("width", String(4 + 220 * t));
        view.bars[l].value.setAttribute("x", String(38 + 220 * t));
        view.bars[l].value.textContent = fmt(v);
      });
      view.body.textContent = "";
      f.rows.forEach((row) => {
        const tr = view.body.insertRow();
        row.forEach((v, c) => {
          const td = tr.insertCell();
          td.textContent = c === 0 ? v : fmt(v);
          if (c > 0) td.dataset.value = String(v);
        });
      });
    });
  }

  function play() {
    if (timer !== null) { clearInterval(timer); timer = null; $("play").textContent = W.play; return; }
    if (at === frames - 1) show(0);
    $("play").textContent = W.pause;
    timer = setInterval(() => {
      if (at >= frames - 1) play(); else show(at + 1);
    }, 120);
  }
  $("play").addEventListener("click", play);
  slider.addEventListener("input", () => show(Number(slider.value)));
  document.addEventListener("keydown", (event) => {
    if (event.target.matches("input") || event.altKey || event.ctrlKey || event.metaKey) return;
    const moves = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: frames - 1 };
    if (event.key in moves) show(moves[event.key]);
    else if (event.key === " " && event.target.tagName !== "BUTTON") play();
    else return;
    event.preventDefault();
  });
  if (views.some((view) => view.network)) { // weights or their gradients: one choice for all
    const box = make("fieldset", { className: "mode" });
    [["params", W.show_weights], ["grads", W.show_grads]].forEach(([value, text]) => {
      const label = make("label"), radio = make("input", { type: "radio", name: "mode",
        value: value, checked: value === mode, id: "mode-" + value });
      radio.addEventListener("change", () => { mode = value; show(at); });
      label.append(radio, " " + text);
      box.append(label);
    });
    $("controls").append(box);
  }

  // A page around this one's frame (a mkdocs-material site, viz.web.notebook's SCHEME_SCRIPT)
  // tells its colour scheme, which a sandboxed frame cannot read: "slate" dark, "default" light.
  window.addEventListener("message", (event) => {
    const scheme = event.data && event.data.microgradScheme;
    if (scheme === "slate" || scheme === "default") {
      document.documentElement.setAttribute("data-md-color-scheme", scheme);
    }
  });
  show(0);
})();
