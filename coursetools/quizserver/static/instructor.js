/* The instructor's page: the question, a live count of answers, the distribution once
   the question has closed, the leaderboard, and the buttons that drive the session.
   The key comes from the page address's fragment (#key=...), never sent in a URL path. */
(function () {
  "use strict";
  var C = DLQ_COMMON, cfg = C.cfg, lang = cfg.lang;
  var key = new URLSearchParams(window.location.hash.slice(1)).get("key") || "";
  var version = -1, shown = "", stopTimer = null, failures = 0, MAX_FAILURES = 120;

  function t(name, values) { return C.format(cfg.messages[name][lang], values); }
  function $(id) { return document.getElementById(id); }
  function status(text, error) {
    $("status").textContent = text || "";
    $("status").className = "dlq-status" + (error ? " dlq-error" : "");
  }
  function call(method, path) { return C.api(method, path, method === "POST" ? {} : undefined, { "X-Quiz-Key": key }); }

  function act(action) {
    call("POST", "/api/instructor/" + action).then(function (r) {
      status(r.ok ? "" : r.data.message, !r.ok);
    }).catch(function () { status(t("server_gone"), true); });
  }

  function poll() {
    call("GET", "/api/instructor/state?version=" + version + "&wait=25").then(function (r) {
      if (!r.ok) { status(r.data.message, true); return; } // a wrong key: nothing to poll for
      failures = 0;
      render(r.data);
      if (r.data.phase !== "finished") poll();
    }).catch(function () {
      failures += 1;
      status(t("server_gone"), true);
      if (failures < MAX_FAILURES) setTimeout(poll, Math.min(5000, 500 * failures));
    });
  }

  function render(s) {
    version = s.version;
    $("title").textContent = s.title;
    $("join-url").textContent = s.joinUrl;
    $("players").textContent = t("players_joined", { count: s.players.length }) +
      (s.players.length ? ": " + s.players.join(", ") : "");
    var open = s.phase === "open", finished = s.phase === "finished";
    $("next").textContent = t(s.rounds ? "next_question" : "first_question");
    $("next").disabled = open || finished || s.rounds >= s.total;
    $("close").disabled = !open;
    $("finish").disabled = finished;
    if (s.question) {
      $("counter").textContent = t("answers_in", { count: s.answers, players: s.players.length });
    } else {
      $("counter").textContent = s.phase === "lobby" ? t("lobby") : "";
    }
    var view = s.phase + "/" + (s.question ? s.question.number : 0);
    if (view === shown) return; // only the count changed
    shown = view;
    if (stopTimer) { stopTimer(); stopTimer = null; }
    ["question", "chart", "reveal", "board"].forEach(function (id) { $(id).innerHTML = ""; });
    if (s.question) renderQuestion(s);
    if (s.distribution) renderChart(s.distribution);
    if (s.answer !== undefined) {
      var answer = document.createElement("p");
      answer.innerHTML = "<strong></strong> " + s.answer;
      answer.firstChild.textContent = t("right_answer");
      $("reveal").appendChild(answer);
      if (s.explanation) {
        var why = document.createElement("p");
        why.innerHTML = s.explanation;
        $("reveal").appendChild(why);
      }
    }
    if (s.leaderboard) {
      var title = document.createElement("h2");
      title.textContent = t("leaderboard");
      $("board").appendChild(title);
      $("board").appendChild(C.board(s.leaderboard, null));
    }
    if (finished) status(t("finished"));
    C.typeset([$("question"), $("chart"), $("reveal")]);
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
    prompt.innerHTML = q.prompt;
    box.appendChild(prompt);
    if (q.options.length) {
      var list = document.createElement("ol");
      list.type = "A";
      q.options.forEach(function (html) { list.appendChild(document.createElement("li")).innerHTML = html; });
      box.appendChild(list);
    }
    if (s.phase === "open") {
      stopTimer = C.countdown(head.lastChild, q.remaining_ms,
                              function (left) { return t("time_left", { seconds: left }); });
    }
  }

  /* One bar per option (or right/wrong), widths relative to the largest count. */
  function renderChart(bars) {
    var box = $("chart"), most = Math.max.apply(null, bars.map(function (b) { return b.count; }).concat([1]));
    var title = document.createElement("h2");
    title.textContent = t("distribution");
    box.appendChild(title);
    bars.forEach(function (bar) {
      var row = document.createElement("div");
      row.className = "dlq-bar-row" + (bar.correct ? " dlq-correct" : "");
      row.innerHTML = "<span class='dlq-bar-label'></span><div><div class='dlq-bar'></div></div><span class='dlq-count'></span>";
      row.firstChild.innerHTML = bar.label;
      row.querySelector(".dlq-bar").style.width = (100 * bar.count / most) + "%";
      row.lastChild.textContent = bar.count;
      box.appendChild(row);
    });
  }

  document.querySelectorAll("[data-msg]").forEach(function (el) { el.textContent = t(el.getAttribute("data-msg")); });
  document.documentElement.lang = lang;
  $("next").addEventListener("click", function () { act("next"); });
  $("close").addEventListener("click", function () { act("close"); });
  $("finish").addEventListener("click", function () { act("finish"); });
  $("csv").href = "/api/instructor/results.csv?key=" + encodeURIComponent(key);
  C.loadMathJax();
  poll();
})();
