"""The JavaScript helpers the table's `JS` forms call: `numeric`'s functions, and Python's float
semantics where JavaScript's differ (1 / 0 raises ZeroDivisionError in Python and is Infinity
in JavaScript; math.exp(1000) raises OverflowError), so a page computes what the engine computes
and fails where it fails, with the same words.

A thrown error is {py: "ZeroDivisionError", message: "float division by zero"}: the class and
the text Python's would have. `pyRepr(x)` writes a float as Python's repr does (1.0, 1e-05),
for the checks' messages.
"""

from __future__ import annotations

JS_PRELUDE = r"""
const pyError = (py, message) => ({ py: py, message: message });
function pyRepr(x) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const parts = x.toExponential().split("e"), e = Number(parts[1]);
  const sign = x < 0 ? "-" : "", digits = parts[0].replace("-", "").replace(".", "");
  if (e < -4 || e >= 16) {
    return parts[0] + "e" + (e < 0 ? "-" : "+") + String(Math.abs(e)).padStart(2, "0");
  }
  if (e < 0) return sign + "0." + "0".repeat(-e - 1) + digits;
  if (digits.length > e + 1) return sign + digits.slice(0, e + 1) + "." + digits.slice(e + 1);
  return sign + digits + "0".repeat(e + 1 - digits.length) + ".0";
}
function div(a, b) {
  if (b === 0) throw pyError("ZeroDivisionError", "float division by zero");
  return a / b;
}
function ppow(a, b) {
  if (a === 0 && b < 0) {
    throw pyError("ZeroDivisionError", "0.0 cannot be raised to a negative power");
  }
  if (a < 0 && !Number.isInteger(b)) throw pyError("ValueError", "a complex number");
  const r = Math.pow(a, b);
  if (!Number.isFinite(r) && Number.isFinite(a) && Number.isFinite(b)) {
    throw pyError("OverflowError", "(34, 'Numerical result out of range')");
  }
  return r;
}
function ovf(r) {
  if (!Number.isFinite(r)) throw pyError("OverflowError", "math range error");
  return r;
}
function logistic(x) {
  if (x > -700) return 1 / (ovf(Math.exp(-x)) + 1);
  const e = Math.exp(x);
  return e / (1 + e);
}
const softplus = (x) => (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
function swishDx(x, beta) {
  const s = logistic(beta * x);
  return s + beta * x * s * (1 - s);
}
function swishDb(x, beta) {
  const s = logistic(beta * x);
  return x * x * s * (1 - s);
}
const GELU_C = Math.sqrt(2 / Math.PI);
const geluTanh = (x) => 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * ppow(x, 3))));
function geluTanhD(x) {
  const t = Math.tanh(GELU_C * (x + 0.044715 * ppow(x, 3)));
  const du = GELU_C * (1 + 3 * 0.044715 * x * x);
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du;
}
const mish = (x) => x * Math.tanh(softplus(x));
function mishD(x) {
  const t = Math.tanh(softplus(x));
  return t + x * (1 - t * t) * logistic(x);
}
function maxoutD(xs) {
  let best = 0;
  xs.forEach((x, i) => { if (x > xs[best]) best = i; });
  return xs.map((x, i) => (i === best ? 1 : 0));
}
function neuron(xs) {
  const n = (xs.length - 1) / 2;
  let z = xs[xs.length - 1];
  for (let i = 0; i < n; i++) z += xs[i] * xs[n + i];
  return z;
}
function neuronD(xs) {
  const n = (xs.length - 1) / 2;
  return [...xs.slice(n, 2 * n), ...xs.slice(0, n), 1];
}
"""
