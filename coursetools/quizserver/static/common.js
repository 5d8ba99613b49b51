/* Shared by the students' and the instructor's pages of a class session. */
var DLQ_COMMON = (function () {
  "use strict";
  var cfg = window.DLQ;

  function format(text, values) {
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }

  /* fetch() as {ok, status, data}; data is the JSON body (errors carry a message). */
  function api(method, path, body, headers) {
    var init = { method: method, headers: headers || {} };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, status: r.status, data: data }; });
    });
  }

  /* Typesets the maths of these elements only: the question, the reveal, the chart. Never
     a player's name: names are text, and thirteen innocent names in a row can spell
     \(\href{javascript:...}{...}\). Elements with the class mathjax_ignore (names) are
     skipped even inside these. */
  function typeset(elements) {
    if (window.MathJax && window.MathJax.typesetPromise) window.MathJax.typesetPromise(elements);
  }

  /* The page's own MathJax copy (from npm), when the server has one: never a CDN. Its
     safe mode (ui/safe) drops javascript: links, styles and classes even from the bank's
     own maths. */
  function loadMathJax() {
    if (!cfg.mathjax) return;
    window.MathJax = { loader: { load: ["ui/safe"] }, tex: { inlineMath: [["\\(", "\\)"]] },
                       options: { ignoreHtmlClass: "mathjax_ignore" }, startup: { typeset: false } };
    var script = document.createElement("script");
    script.src = "/mathjax/tex-chtml-full.js";
    script.async = true;
    document.head.appendChild(script);
  }

  /* A leaderboard table; names are set as text, never as HTML. */
  function board(rows, me) {
    var table = document.createElement("table");
    table.className = "dlq-board mathjax_ignore";
    rows.forEach(function (row) {
      var tr = table.insertRow();
      if (row.name === me) tr.className = "dlq-me";
      tr.insertCell().textContent = row.rank + ".";
      tr.insertCell().textContent = row.name;
      tr.insertCell().textContent = row.score;
    });
    return table;
  }

  /* Seconds left, counted down locally from the server's remaining_ms. */
  function countdown(el, remainingMs, text, onEnd) {
    var deadline = Date.now() + remainingMs;
    function tick() {
      var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      el.textContent = text(left);
      if (left === 0) { clearInterval(id); if (onEnd) onEnd(); }
    }
    var id = setInterval(tick, 250);
    tick();
    return function () { clearInterval(id); };
  }

  return { cfg: cfg, format: format, api: api, typeset: typeset, loadMathJax: loadMathJax,
           board: board, countdown: countdown };
})();
