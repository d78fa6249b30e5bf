// Live values: every input of the graph editable; a change computes both passes again with the
// op table's JavaScript forms (LIVE_OPS, generated from the table), and every text with a
// number is written again from its template (live.py says what the slots mean).
"use strict";
(function () {
  const page = window.stepperPage;
  const live = JSON.parse(document.getElementById("live-data").textContent);
  const W = live.words, data = page.data, NONE = "—";
  const section = document.createElement("section");
  section.id = "live";
  document.getElementById("controls").before(section);
  if (live.readonly) {
    const note = document.createElement("p");
    note.className = "readonly-note";
    note.textContent = live.readonly;
    section.append(note);
    return;
  }

  // ---- numbers written as Python writes them (viz.number_format) ----------------------------
  function exactly(ax, text) { // is ax exactly the decimal `text` ("1.2345e-3")? (a tie)
    const [m, es] = text.split("e");
    const n = BigInt(m.replace(".", "")), q = Number(es) - (m.length - 2);
    if (q >= 0) return Number.isInteger(ax) && BigInt(ax) === n * 10n ** BigInt(q);
    const s = ax * 2 ** -q;
    return Number.isFinite(s) && Number.isInteger(s) && BigInt(s) * 5n ** BigInt(-q) === n;
  }
  function pyG(x, p) { // f"{x:.{p}g}": JavaScript rounds ties away from 0, Python to even
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    let t = Math.abs(x).toExponential(p - 1);
    const more = Math.abs(x).toExponential(p), mm = more.split("e")[0].replace(".", "");
    if (mm.endsWith("5") && Number(mm[p - 1]) % 2 === 0 && exactly(Math.abs(x), more)) {
      t = mm[0] + (p > 1 ? "." + mm.slice(1, p) : "") + "e" + more.split("e")[1];
    }
    const [m, es] = t.split("e"), e = Number(es), digits = m.replace(".", "");
    const trim = (s) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
    let out;
    if (e >= -4 && e < p) {
      out = trim(e >= 0 ? digits.slice(0, e + 1) + "." + digits.slice(e + 1)
                        : "0." + "0".repeat(-e - 1) + digits);
    } else {
      out = trim(digits[0] + "." + digits.slice(1)) + "e" + (e < 0 ? "-" : "+") +
        String(Math.abs(e)).padStart(2, "0");
    }
    return (x < 0 && out !== "0" ? "-" : "") + out;
  }
  const number = (x) => (x === null || x === undefined ? NONE : pyG(x + 0, live.digits));
  function shown(x, fmt) {
    const text = number(x);
    if (fmt === "f") return text.startsWith("-") ? "(" + text + ")" : text;
    if (fmt === "o") return text.startsWith("-") || !/^[0-9a-z.]+$/.test(text) ? "(" + text + ")" : text;
    return text;
  }

  // ---- the inputs -----------------------------------------------------------------------------
  const x = live.nodes.map((node) => (node.leaf ? node.x : null));
  const h = document.createElement("h2");
  h.textContent = W.inputs;
  const hint = document.createElement("p");
  hint.className = "hint";
  hint.textContent = W.inputs_hint;
  const leaves = document.createElement("div");
  leaves.className = "leaves";
  const error = document.createElement("div");
  error.id = "live-error";
  error.setAttribute("role", "alert");
  error.hidden = true;
  section.append(h, hint, leaves, error);
  live.nodes.forEach((node, i) => {
    if (!node.leaf) return;
    const name = data.nodes[i].name;
    const row = document.createElement("div");
    row.className = "leaf";
    const label = document.createElement("label");
    const field = document.createElement("input");
    const slider = document.createElement("input");
    label.textContent = name;
    label.htmlFor = field.id = "leaf-" + i;
    field.type = "number";
    field.step = "any";
    field.value = String(node.x);
    field.dataset.node = slider.dataset.node = String(i);
    slider.type = "range";
    [slider.min, slider.max] = node.range.map(String);
    slider.step = String((node.range[1] - node.range[0]) / 1000);
    slider.value = String(node.x);
    slider.setAttribute("aria-label", W.slider.replace("{name}", name));
    field.addEventListener("input", () => {
      if (field.value === "" || !Number.isFinite(Number(field.value))) return;
      x[i] = Number(field.value);
      slider.value = field.value;
      update();
    });
    slider.addEventListener("input", () => {
      x[i] = Number(slider.value);
      field.value = slider.value;
      update();
    });
    row.append(label, field, slider);
    leaves.append(row);
  });

  // ---- both passes ----------------------------------------------------------------------------
  function args(node, ins) { // the forward's arguments, as the engine gives them
    const op = LIVE_OPS[node.op];
    if (op.kind === 5) return [ins, null];
    if (op.kind === 2) return [ins[0], node.k];
    if (op.kind === 4 && node.side === "right") return [ins[0], node.k];
    if (op.kind === 4 && node.side === "left") return [node.k, ins[0]];
    return ins;
  }
  function locals(node, a, out) { // ∂node/∂input for each input, as Op.local_derivatives
    const d = LIVE_OPS[node.op].d, kind = LIVE_OPS[node.op].kind;
    if (kind === 5) return d[0](a[0], null, out);
    if (kind === 4 && node.side) return [d[node.side === "right" ? 0 : 1](...a, out)];
    return d.map((rule) => rule(...a, out));
  }
  function describe(i, ins) { // the engine's _describe_inputs
    const node = live.nodes[i], parents = data.nodes[i].inputs;
    const parts = parents.slice(0, 6).map((j, n) => live.nodes[j].engine + " = " + pyRepr(ins[n]));
    if (parents.length > 6) parts.push("… and " + (parents.length - 6) + " more");
    if (node.takes) parts.push(node.param + " = " + pyRepr(node.k));
    return parts.join(", ");
  }
  function inWords(op, index, shown, value, reason) { // micrograd_nndl.errors.in_words
    const role = { "div,1": "divisor", "pow,0": "base", "pow,1": "exponent" }[op + "," + index] || "argument";
    const said = "the " + role + " " + shown + " = " + pyG(value + 0, 6); // f"{value:g}"
    const needs = /^needs \w+ (\S+ \S+), got .*$/.exec(reason);
    return needs ? op + ": " + said + ", and " + op + " needs it " + needs[1] : op + ": " + reason + ", at " + said;
  }
  function derivativeAt(i, V) { // viz.graph.derivative_at: "sqrt′(0)", in no user's names
    const node = live.nodes[i], ins = data.nodes[i].inputs.map((j) => V[j]);
    const a = LIVE_OPS[node.op].kind === 5 ? ins : args(node, ins);
    return node.op + "′(" + a.map(number).join(", ") + ")";
  }
  function forward(i, V) {
    const node = live.nodes[i], op = LIVE_OPS[node.op];
    const ins = data.nodes[i].inputs.map((j) => V[j]), a = args(node, ins);
    const problem = op.check ? op.check(...a) : null;
    if (problem) {
      const index = problem.length > 2 && ins.length > 1 ? problem[2] : 0;
      const shown = live.nodes[data.nodes[i].inputs[index]].engine;
      const said = shown.startsWith("'") // a labelled input, named as the user named it
        ? inWords(node.op, index, shown.slice(1, -1), ins[index], problem[1])
        : node.op + ": " + problem[1];
      throw new Error(said + " (inputs: " + describe(i, ins) + ")");
    }
    let r;
    try {
      r = op.f(...a);
    } catch (e) {
      if (!e.py) throw e;
      throw new Error(node.op + ": the result is outside the floating-point range (" +
        (node.unary ? "input: " : "inputs: ") + describe(i, ins) + ")");
    }
    if (!Number.isFinite(r)) {
      throw new Error(node.op + ": result " + pyRepr(r) + " is not finite (inputs: " + describe(i, ins) + ")");
    }
    return r;
  }

  function compute() {
    const V = [], L = [], G = {}, U = [], start = {}; // start: why a gradient is not finite
    live.nodes.forEach((node, i) => {
      if (node.leaf) { V[i] = x[i]; return; }
      V[i] = forward(i, V);
      const ins = data.nodes[i].inputs.map((j) => V[j]);
      try {
        L[i] = locals(node, args(node, ins), V[i]);
      } catch (e) {
        if (!e.py) throw e;
        L[i] = null;
      }
    });
    live.steps.forEach((step, s) => {
      if (!step.updates) return;
      const i = step.node, number = data.steps[s].heading.split(" ")[1].split("/")[0];
      if (!step.updates.length) { G[i] = 1; return; }
      const node = live.nodes[i], upstream = G[i], soFar = {}, flat = LIVE_OPS[node.op].flat;
      U[s] = step.updates.map(([arg, parent]) => {
        // as backward_terms: a rule that cannot compute gives nan, which an inner node holds
        // on; a flat op's exact 0 sends 0 whatever the gradient (sqrt(relu(x)) at x < 0)
        const local = L[i] === null ? NaN : L[i][arg];
        const term = flat && local === 0 ? 0 : local * upstream;
        const before = parent in soFar ? soFar[parent] : (parent in G ? G[parent] : null);
        const after = (before === null ? 0 : before) + term;
        if (!Number.isFinite(after) && !(parent in start)) { // where it started: nonfinite_error
          const became = live.nodes[parent].grad + " became " + pyRepr(after) + ": ";
          if (Number.isFinite(term)) {
            start[parent] = became + pyRepr(before) + " + " + pyRepr(term) + " is too large for a float";
          } else if (i in start) {
            start[parent] = start[i];
          } else if (L[i] === null) {
            const at = data.nodes[i].inputs.map((j) => data.nodes[j].name + " = " + pyRepr(V[j]));
            start[parent] = "the local derivatives of " + data.nodes[i].name + " are undefined at " +
              at.join(", ") + " (" + derivativeAt(i, V) + ")";
          } else {
            start[parent] = became + node.locals[arg] + " = " + pyRepr(local) + " times " + node.grad +
              " = " + pyRepr(upstream);
          }
        }
        soFar[parent] = after;
        return { local: local, upstream: upstream, before: before, product: term, after: after };
      });
      step.updates.forEach(([, parent]) => { // backward() refuses a leaf's, placed where it started
        if (live.nodes[parent].leaf && parent in start) throw new Error("backward step " + number + ": " + start[parent]);
      });
      step.updates.forEach(([, parent], j) => { G[parent] = U[s][j].after; });
    });
    const P = {}, S = {}, T = {};
    live.chains.forEach((chain, i) => {
      if (!chain) return;
      S[i] = [];
      P[i] = chain.paths.map((path, k) => { // as ChainPath.product and .stopped
        let product = 1, stop = null;
        path.forEach(([n, arg], j) => {
          const local = L[n] ? L[n][arg] : NaN;
          const flat = local === 0 && LIVE_OPS[live.nodes[n].op].flat; // a flat op's 0: the path gives 0
          if (flat && stop === null && !Number.isFinite(product)) stop = j;
          product = flat ? 0 : product * local;
        });
        S[i][k] = stop;
        return product;
      });
      T[i] = chain.all ? P[i].reduce((sum, p) => sum + p, 0) : G[i];
    });
    return { V: V, L: L, G: G, U: U, P: P, S: S, T: T };
  }

  function slot(r, s) {
    const [kind, a, b, c] = s;
    if (kind === "v") return r.V[a];
    if (kind === "l") return r.L[a] ? r.L[a][b] : NaN;
    if (kind === "u") return r.U[a][b][c];
    if (kind === "p") return r.P[a][b];
    return r.T[a];
  }
  function part(r, p) { // a slot's text: a number, or the line of the flat op that stops a path
    if (p[0] === "s") return r.S[p[1]][p[2]] === null ? "" : p[3][r.S[p[1]][p[2]]];
    return shown(slot(r, p), p[p.length - 1]);
  }
  const fill = (r, template) => template.map((p) => (typeof p === "string" ? p : part(r, p))).join("");

  const items = [...document.querySelectorAll("#all-steps li")];
  const original = data.nodes.map((node) => node.chain);
  function update() {
    let r = null;
    try {
      r = compute();
      error.hidden = true;
    } catch (e) {
      error.textContent = "";
      const lead = document.createElement("strong"), message = document.createElement("span");
      lead.textContent = W.error + " ";
      message.id = "live-message";
      message.textContent = e.message;
      error.append(lead, message);
      error.hidden = false;
    }
    page.results = r;
    document.body.classList.toggle("live-failed", r === null);
    data.nodes.forEach((node, i) => {
      if (live.nodes[i].leaf) {
        node.value = number(x[i]);
        const chain = live.chains[i];
        node.chain = r === null ? "" : chain ? fill(r, chain.template) : original[i];
      }
      (node.locals || []).forEach((local, arg) => {
        local.value = r === null ? NONE : r.L[i] ? number(r.L[i][arg]) : "undefined";
      });
    });
    data.steps.forEach((step, s) => {
      const template = live.steps[s];
      step.formula = r === null ? NONE : fill(r, template.formula);
      if (!template.updates) step.sets = [["value", template.node, r === null ? NONE : number(r.V[template.node])]];
      else if (template.updates.length) {
        step.sets = template.updates.map(([, parent], j) => ["grad", parent, r === null ? NONE : number(r.U[s][j].after)]);
      }
      if (items[s]) items[s].textContent = step.heading + ": " + step.formula;
    });
    page.render();
  }
  page.live = live;
  page.compute = compute;
  page.refresh = update;
})();
