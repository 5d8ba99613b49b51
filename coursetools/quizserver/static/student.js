/* The students' page of a class session: join, answer, see the result and the board.
   The page learns the answer only from a closed question's state (see session.py). */
(function () {
  "use strict";
  var C = DLQ_COMMON, cfg = C.cfg;
  var storeKey = "dlq-session/" + cfg.session;
  var lang = cfg.lang, me = null, version = -1, shown = "", stopTimer = null, failures = 0;
  var MAX_FAILURES = 120; // then stop polling: about ten minutes of retries

  try { lang = window.localStorage.getItem("dlq-lang") || cfg.lang; } catch (e) { /* no storage */ }

  function t(key, values) { return C.format(cfg.messages[key][lang], values); }
  function $(id) { return document.getElementById(id); }
  function status(text, error) {
    $("status").textContent = text || "";
    $("status").className = "dlq-status" + (error ? " dlq-error" : "");
  }
  function save() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(me)); } catch (e) { /* private mode */ }
  }
  function saved() {
    try { return JSON.parse(window.localStorage.getItem(storeKey)); } catch (e) { return null; }
  }
  function forget() {
    try { window.localStorage.removeItem(storeKey); } catch (e) { /* nothing to forget */ }
  }

  function translate() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-msg]").forEach(function (el) { el.textContent = t(el.getAttribute("data-msg")); });
    document.querySelectorAll(".dlq-lang").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-lang") === lang));
    });
  }

  function showJoin() {
    $("join").hidden = false;
    $("game").hidden = true;
    translate();
  }

  function join(name, token) {
    $("join-button").disabled = true;
    C.api("POST", "/api/join", { name: name, lang: lang, token: token }).then(function (r) {
      $("join-button").disabled = false;
      if (!r.ok) {
        if (token) forget();
        showJoin();
        status(r.data.message, true);
        return;
      }
      me = { token: r.data.token, name: r.data.name, lang: r.data.lang };
      lang = me.lang;
      save();
      $("join").hidden = true;
      $("game").hidden = false;
      translate();
      status("");
      poll();
    }).catch(function () {
      $("join-button").disabled = false;
      status(t("server_gone"), true);
    });
  }

  function poll() {
    var url = "/api/state?token=" + encodeURIComponent(me.token) + "&version=" + version + "&wait=25";
    C.api("GET", url).then(function (r) {
      if (r.status === 403) { forget(); me = null; showJoin(); status(r.data.message, true); return; }
      if (!r.ok) throw new Error(r.data.message);
      failures = 0;
      render(r.data);
      if (r.data.phase !== "finished") poll();
    }).catch(function () {
      failures += 1;
      status(failures > 3 ? t("server_gone") : t("connecting"), failures > 3);
      if (failures < MAX_FAILURES) setTimeout(poll, Math.min(5000, 500 * failures));
    });
  }

  function render(s) {
    version = s.version;
    $("who").textContent = t("playing_as", { name: s.name });
    var view = s.phase + "/" + (s.question ? s.question.number : 0);
    if (view === shown) return; // the same view again (a long-poll that timed out)
    shown = view;
    if (stopTimer) { stopTimer(); stopTimer = null; }
    $("question").innerHTML = "";
    $("result").innerHTML = "";
    $("board").innerHTML = "";
    status("");
    if (s.phase === "lobby") { status(t("waiting")); return; }
    if (s.phase === "finished") {
      var done = document.createElement("h2");
      done.textContent = t("finished");
      $("question").appendChild(done);
      renderBoard(s);
      return;
    }
    renderQuestion(s);
    if (s.phase === "open") {
      if (s.answered) { lock(); status(t("answer_received")); }
    } else {
      lock();
      renderResult(s.result);
      renderBoard(s);
      status(t("waiting"));
    }
    C.typeset([$("question"), $("result")]);
  }

  function renderQuestion(s) {
    var q = s.question, box = $("question");
    var head = document.createElement("div");
    head.className = "dlq-head";
    head.innerHTML = "<span></span><span class='dlq-timer'></span>";
    head.firstChild.textContent = t("question_of", { number: q.number, total: q.total });
    box.appendChild(head);
    var prompt = document.createElement("div");
    prompt.className = "dlq-prompt";
    prompt.innerHTML = q.prompt; // rendered and escaped by the server (render.py)
    box.appendChild(prompt);
    if (q.type === "single" || q.type === "multiple") {
      var options = document.createElement("div");
      options.className = "dlq-options";
      q.options.forEach(function (html, index) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "dlq-option";
        b.innerHTML = html;
        b.setAttribute("data-index", index);
        b.setAttribute("aria-pressed", "false");
        b.addEventListener("click", function () {
          if (q.type === "single") { b.setAttribute("aria-pressed", "true"); send(q.number, index); }
          else b.setAttribute("aria-pressed", String(b.getAttribute("aria-pressed") !== "true"));
        });
        options.appendChild(b);
      });
      box.appendChild(options);
      if (q.type === "multiple") {
        var note = document.createElement("p");
        note.textContent = t("pick_all");
        box.insertBefore(note, options);
        box.appendChild(submitButton(function () {
          var picked = [];
          options.querySelectorAll("[aria-pressed=true]").forEach(function (b) {
            picked.push(Number(b.getAttribute("data-index")));
          });
          if (!picked.length) { status(t("no_answer"), true); return; }
          send(q.number, picked);
        }));
      }
    } else {
      var input = document.createElement("input");
      input.id = "answer";
      input.placeholder = t(q.type === "numeric" ? "number_placeholder" : "text_placeholder");
      if (q.type === "numeric") input.inputMode = "decimal";
      box.appendChild(input);
      if (q.unit) {
        var unit = document.createElement("span");
        unit.textContent = " " + q.unit;
        box.appendChild(unit);
      }
      box.appendChild(submitButton(function () {
        if (!input.value.trim()) { status(t("no_answer"), true); return; }
        send(q.number, input.value);
      }));
    }
    if (s.phase === "open") {
      stopTimer = C.countdown(head.lastChild, q.remaining_ms,
                              function (left) { return t("time_left", { seconds: left }); }, lock);
    }
  }

  function submitButton(onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.id = "submit";
    b.className = "dlq-primary";
    b.textContent = t("submit");
    b.addEventListener("click", onClick);
    return b;
  }

  function lock() {
    $("question").querySelectorAll("button, input").forEach(function (el) { el.disabled = true; });
  }

  function send(number, response) {
    lock();
    C.api("POST", "/api/answer", { token: me.token, number: number, response: response }).then(function (r) {
      if (r.ok) { status(r.data.message); return; }
      status(r.data.message, true);
      // A malformed answer may be corrected; a late or repeated one may not.
      if (r.status === 400) {
        $("question").querySelectorAll("button, input").forEach(function (el) { el.disabled = false; });
      }
    }).catch(function () { status(t("server_gone"), true); });
  }

  function renderResult(result) {
    var box = $("result"), verdict = document.createElement("p");
    if (!result.answered) { verdict.textContent = t("result_none"); }
    else if (result.correct) { verdict.textContent = t("result_right", { points: result.points }); verdict.className = "dlq-right"; }
    else { verdict.textContent = t("result_wrong"); verdict.className = "dlq-wrong"; }
    box.appendChild(verdict);
    var answer = document.createElement("p");
    answer.innerHTML = "<strong></strong> " + result.answer;
    answer.firstChild.textContent = t("right_answer");
    box.appendChild(answer);
    if (result.explanation) {
      var why = document.createElement("p");
      why.className = "dlq-explanation";
      why.innerHTML = result.explanation;
      box.appendChild(why);
    }
  }

  function renderBoard(s) {
    var box = $("board"), title = document.createElement("h2");
    title.textContent = t("leaderboard");
    box.appendChild(title);
    box.appendChild(C.board(s.leaderboard || [], s.name));
    var place = document.createElement("p");
    place.id = "place";
    place.textContent = t("your_place", { rank: s.rank, players: s.players, score: s.score });
    box.appendChild(place);
  }

  document.querySelectorAll(".dlq-lang").forEach(function (b) {
    b.addEventListener("click", function () {
      lang = b.getAttribute("data-lang");
      try { window.localStorage.setItem("dlq-lang", lang); } catch (e) { /* no storage */ }
      translate();
    });
  });
  $("join-form").addEventListener("submit", function (event) {
    event.preventDefault();
    join($("name").value, null);
  });

  C.loadMathJax();
  var before = saved();
  if (before && before.token) join(before.name, before.token); // a reconnect keeps the score
  else showJoin();
})();
