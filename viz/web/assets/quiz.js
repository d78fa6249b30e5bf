// Predict, then reveal: in quiz mode the page stops before each backward step, asks what the
// first input's gradient gains (local derivative × the node's gradient), checks the answer to
// within 1 %, shows the worked product and keeps a score. Keyboard: q turns it on, Enter answers.
"use strict";
(function () {
  const page = window.stepperPage, live = page.live;
  if (!live || live.readonly) return;
  const W = live.words, data = page.data;
  const $ = (id) => document.getElementById(id);
  const make = (tag, props) => Object.assign(document.createElement(tag), props || {});
  let on = false, asked = 0, right = 0, pending = null;
  const answered = new Set();

  const toggle = make("button", { type: "button", id: "quiz-toggle", textContent: W.quiz,
                                  title: W.quiz + " (q)" });
  toggle.setAttribute("aria-pressed", "false");
  const score = make("span", { id: "quiz-score" });
  $("controls").querySelector(".buttons").append(toggle, score);
  const form = make("form", { id: "quiz", hidden: true });
  const question = make("label", { id: "quiz-question", htmlFor: "quiz-answer" });
  const field = make("input", { id: "quiz-answer", type: "text", autocomplete: "off" });
  field.setAttribute("inputmode", "decimal");
  const check = make("button", { type: "submit", textContent: W.quiz_check });
  form.append(question, field, check);
  const feedback = make("div", { id: "quiz-feedback" });
  feedback.setAttribute("aria-live", "polite");
  $("step").after(form, feedback);

  function showScore() {
    score.textContent = on ? W.quiz_score.replace("{right}", right).replace("{asked}", asked) : "";
  }
  function setOn(value) {
    on = value;
    toggle.setAttribute("aria-pressed", String(on));
    if (!on) { form.hidden = true; pending = null; }
    showScore();
  }
  toggle.addEventListener("click", () => setOn(!on));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "q" || event.target.matches("input, textarea, select")) return;
    setOn(!on);
    event.preventDefault();
  });

  page.hooks.beforeNext = (k) => {
    const step = live.steps[k];
    if (!on || answered.has(k) || !step || !step.updates || !step.updates.length) return true;
    if (pending === k) { field.focus(); return false; }
    const [arg, parent] = step.updates[0], node = live.nodes[step.node];
    question.textContent = W.quiz_ask.replace("{target}", live.nodes[parent].grad)
      .replace("{edge}", node.locals[arg]).replace("{source}", node.grad);
    pending = k;
    field.value = "";
    form.hidden = false;
    field.focus();
    return false;
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const answer = Number(field.value.trim().replace("−", "-"));
    if (pending === null || field.value.trim() === "" || Number.isNaN(answer)) return;
    let results;
    try { results = page.compute(); } catch (e) { return; }  // the live page shows the error
    const want = results.U[pending][0].product;
    const ok = Math.abs(answer - want) <= 0.01 * Math.abs(want) + 1e-12;
    asked += 1;
    right += ok ? 1 : 0;
    const k = pending;
    answered.add(k);
    pending = null;
    form.hidden = true;
    feedback.className = ok ? "right" : "wrong";
    feedback.textContent = (ok ? W.quiz_right : W.quiz_wrong.replace("{answer}", field.value.trim())) +
      " " + data.steps[k].formula;
    showScore();
    page.go(k + 1);
    $("next").focus();
  });
})();
