/* Chapter 8's window explorer on a book page, with no kernel: the window-explorer
   directive (coursetools/sphinxext/explorers.py) writes a container holding the
   page language's strings and the sliders as JSON (from dlcourse/window_explorer.py, the
   one source); this script adds the sliders and the target box and draws what
   dlcourse.window_explorer.render draws in a notebook: the same markup, classes, numbers
   and data-steps. It computes the window starts itself, as dlcourse.sequences does; a
   browser test (tests/test_window_explorer_browser.py) checks it against Python. */
(function () {
  "use strict";

  // The drawing, in SVG user units (as CELL, BOX, LEFT, FIRST_ROW, ROW, ROW_BOX,
  // MIN_SCALE, MAX_SCALE and COLOURS in Python).
  var CELL = 20, BOX = 18, LEFT = 28, FIRST_ROW = 28, ROW = 14, ROW_BOX = 11;
  var MIN_SCALE = 0.9, MAX_SCALE = 1.3;
  var COLOURS = {used: "#cfe2f3", target_only: "#fde2c4", unused: "#ffffff",
                 "in": "#3d85c6", target: "#e07b00", off: "#bbbbbb"};
  var WARNING_STYLE = "border-left:4px solid #c0392b;background:#fdecea;color:#611a15;" +
                      "padding:.4em .7em";
  // The page's styles for the explorer (the book's course.css has none for it): the
  // sliders wrap on a phone, and the drawing scrolls in its own box.
  var STYLE =
    ".window-explorer{margin:1em 0;max-width:100%}" +
    ".window-explorer .wx-settings{min-width:0;margin:0 0 .6em;padding:.3em .8em .5em;" +
    "border:1px solid var(--pst-color-border,#ccc);border-radius:.3em}" +
    ".window-explorer .wx-settings legend{float:none;width:auto;margin:0;padding:0 .3em;" +
    "font-size:1em;font-weight:600}" +
    ".window-explorer .wx-slider,.window-explorer .wx-check{display:flex;flex-wrap:wrap;" +
    "align-items:center;gap:0 .8em;margin:.2em 0}" +
    ".window-explorer .wx-slider label{flex:1 1 13em;min-width:0;margin:0}" +
    ".window-explorer .wx-slider input[type=range]{flex:1 1 9em;min-width:0;accent-color:#3d85c6}" +
    ".window-explorer .wx-slider input:disabled{opacity:.4}" +
    ".window-explorer .wx-slider input:disabled~output{opacity:.6}" +
    ".window-explorer .wx-check input{accent-color:#e07b00;margin:0}" +
    ".window-explorer .wx-check label{margin:0}" +
    ".window-explorer .wx-value{min-width:2ch;text-align:right;font-weight:600;" +
    "font-variant-numeric:tabular-nums}" +
    ".window-explorer .wx-formula,.window-explorer .wx-note{overflow-wrap:anywhere}" +
    ".window-explorer .wx-drawing{margin:.5em 0}" +
    ".window-explorer .wx-scroll:focus-visible{outline:2px solid #3d85c6;outline-offset:2px}";

  function escape(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;")
      .replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? String(values[key]) : whole;
    });
  }

  // How far apart the windows start (dlcourse.window_explorer.spacing): the stride, or
  // m + g with a gap, which fixes the distance between starts, so the stride is ignored.
  function spacing(m, s, g) { return g > 0 ? m + g : s; }

  // Each window's 1-based steps and its target step or null (window_rows in Python):
  // window k starts at step k·step + 1 while its m steps (and its target) fit the series,
  // b = ⌊(N − m − h) / step⌋ + 1 windows with h = 1 for the target (dlcourse.sequences).
  function windowRows(n, m, s, g, target) {
    var step = spacing(m, s, g), horizon = target ? 1 : 0, rows = [];
    for (var start = 0; start + m + horizon <= n; start += step) {
      var steps = [];
      for (var j = 1; j <= m; j++) steps.push(start + j);
      rows.push({steps: steps, target: target ? start + m + 1 : null});
    }
    return rows;
  }

  // Runs of three or more steps as first–last (steps_text in Python).
  function stepsText(steps) {
    var parts = [], i = 0;
    while (i < steps.length) {
      var j = i;
      while (j + 1 < steps.length && steps[j + 1] === steps[j] + 1) j++;
      if (j - i >= 2) parts.push(steps[i] + "\u2013" + steps[j]);
      else for (var x = i; x <= j; x++) parts.push(String(steps[x]));
      i = j + 1;
    }
    return parts.join(", ");
  }

  function svg(n, rows, text) {
    var inside = {}, targets = {};
    rows.forEach(function (row) {
      row.steps.forEach(function (x) { inside[x] = true; });
      if (row.target !== null) targets[row.target] = true;
    });
    var width = LEFT + n * CELL + 2, height = FIRST_ROW + rows.length * ROW + 2;
    function left(x) { return LEFT + (x - 1) * CELL + 1; }
    var parts = ['<div class="wx-scroll" style="overflow-x:auto" tabindex="0" role="region" ' +
                 'aria-label="' + escape(text.scroll) + '">' +
                 '<svg class="wx-drawing" viewBox="0 0 ' + width + " " + height + '" width="100%" ' +
                 'style="display:block;min-width:' + Math.round(width * MIN_SCALE) + "px;" +
                 "max-width:" + Math.round(width * MAX_SCALE) + 'px;height:auto" ' +
                 'role="img" aria-label="' + escape(text.figure) + '" ' +
                 'font-family="sans-serif" font-size="11" text-anchor="middle">'];
    for (var x = 1; x <= n; x++) {
      var kind = inside[x] ? "used" : targets[x] ? "target_only" : "unused";
      parts.push('<rect class="wx-step wx-' + kind.replace("_", "-") + '" data-step="' + x + '" ' +
                 'x="' + left(x) + '" y="2" width="' + BOX + '" height="' + BOX + '" fill="' + COLOURS[kind] +
                 '" stroke="#555"' + (kind === "unused" ? ' stroke-dasharray="3 2"' : "") + "/>" +
                 '<text x="' + (left(x) + Math.floor(BOX / 2)) + '" y="15" fill="#222">' + x + "</text>");
    }
    rows.forEach(function (row, k) {
      var y = FIRST_ROW + k * ROW, steps = stepsText(row.steps);
      var title = row.target !== null ? fill(text.row_target, {k: k, steps: steps, target: row.target})
                                      : fill(text.row, {k: k, steps: steps});
      parts.push('<g class="wx-row" data-k="' + k + '" data-steps="' + row.steps.join(",") + '" ' +
                 'data-target="' + (row.target !== null ? row.target : "") + '"><title>' + escape(title) +
                 "</title>" + '<text x="' + (LEFT - 6) + '" y="' + (y + 9) + '" text-anchor="end" ' +
                 'font-size="10" fill="currentColor">' + k + "</text>");
      var first = row.steps[0], last = row.steps[row.steps.length - 1];
      for (var x = 1; x <= n; x++) {
        if (x >= first && x <= last) {
          parts.push('<rect class="wx-in" data-step="' + x + '" x="' + left(x) + '" y="' + y + '" ' +
                     'width="' + BOX + '" height="' + ROW_BOX + '" fill="' + COLOURS["in"] + '"/>');
        } else if (x === row.target) {
          parts.push('<rect class="wx-target" data-step="' + x + '" x="' + left(x) + '" y="' + y + '" ' +
                     'width="' + BOX + '" height="' + ROW_BOX + '" rx="5" fill="' + COLOURS.target + '"/>');
        } else {
          parts.push('<rect class="wx-off" x="' + left(x) + '" y="' + y + '" width="' + BOX + '" ' +
                     'height="' + ROW_BOX + '" fill="none" stroke="' + COLOURS.off + '" stroke-width="0.5"/>');
        }
      }
      parts.push("</g>");
    });
    return parts.join("") + "</svg></div>";
  }

  // dlcourse.window_explorer.render: b with its formula, the drawing and its notes; or
  // b = 0 and a warning when no window fits.
  function render(v, text) {
    var rows = windowRows(v.n, v.m, v.s, v.g, v.target), step = spacing(v.m, v.s, v.g);
    var parts = ['<div class="wx-result">'];
    if (!rows.length) {
      var warning = v.target ? fill(text.nofit_target, {need: v.m + 1, n: v.n})
                             : fill(text.nofit, {m: v.m, n: v.n});
      parts.push('<p class="wx-formula">' + escape(text.count) + ' = <strong class="wx-b">0</strong></p>' +
                 '<p class="wx-warning" role="alert" style="' + WARNING_STYLE + '">' + escape(warning) + "</p>");
      return parts.join("") + "</div>";
    }
    var key = "formula" + (v.g > 0 ? "_gap" : "") + (v.target ? "_target" : "");
    var formula = fill(text[key], {n: v.n, m: v.m, s: v.s, g: v.g});
    parts.push('<p class="wx-formula">' + escape(formula) + ' = <strong class="wx-b">' + rows.length +
               "</strong></p>");
    if (v.g > 0) {
      parts.push('<p class="wx-note wx-gap">' + escape(fill(text.gap_note, {g: v.g, step: step})) + "</p>");
    }
    parts.push(svg(v.n, rows, text));
    var used = {}, lastUsed = 0;
    rows.forEach(function (row) {
      row.steps.concat(row.target !== null ? [row.target] : []).forEach(function (x) {
        used[x] = true;
        lastUsed = Math.max(lastUsed, x);
      });
    });
    var skipped = [], unused = [];
    for (var x = 1; x <= v.n; x++) {
      if (x < lastUsed && !used[x]) skipped.push(x);
      else if (x > lastUsed) unused.push(x);
    }
    [[skipped, "skipped"], [unused, "unused_end"]].forEach(function (pair) {
      var steps = pair[0], kind = pair[1];
      if (!steps.length) return;
      var note = fill(text[kind + (steps.length === 1 ? "_one" : "")], {steps: stepsText(steps)});
      parts.push('<p class="wx-note wx-' + kind.replace("_", "-") + '">' + escape(note) + "</p>");
    });
    parts.push('<p class="wx-legend"><small>' + escape(text.legend) + "</small></p>");
    return parts.join("") + "</div>";
  }

  function addStyle() {
    if (document.getElementById("wx-style")) return;
    var style = document.createElement("style");
    style.id = "wx-style";
    style.textContent = STYLE;
    document.head.appendChild(style);
  }

  function build(container, index) {
    var config = JSON.parse(container.querySelector("script.window-explorer-config").textContent);
    var text = config.text, inputs = {};
    var settings = document.createElement("fieldset");
    settings.className = "wx-settings";
    settings.innerHTML = "<legend>" + escape(text.settings) + "</legend>";
    var result = document.createElement("div");
    result.className = "wx-output";
    var targetId = "wx" + index + "-target";

    function update() {
      var values = {};
      Object.keys(inputs).forEach(function (name) {
        values[name] = parseInt(inputs[name].value, 10);
        inputs[name].nextElementSibling.textContent = String(values[name]);
      });
      // With a gap the starts are m + g apart and the stride does not count (spacing):
      // its slider is disabled, keeping its value for when g is 0 again.
      inputs.s.disabled = values.g > 0;
      values.target = target.checked;
      result.innerHTML = render(values, text);
    }

    config.sliders.forEach(function (slider) {
      var name = slider[0], id = "wx" + index + "-" + name;
      var row = document.createElement("div");
      row.className = "wx-slider";
      row.innerHTML = '<label for="' + id + '">' + escape(text["label_" + name]) + "</label>" +
        '<input type="range" id="' + id + '" name="' + name + '" min="' + slider[1] + '" max="' + slider[2] +
        '" step="1" value="' + slider[3] + '">' + '<output for="' + id + '" class="wx-value"></output>';
      inputs[name] = row.querySelector("input");
      inputs[name].addEventListener("input", update);
      settings.appendChild(row);
    });
    var check = document.createElement("div");
    check.className = "wx-check";
    check.innerHTML = '<input type="checkbox" id="' + targetId + '" name="target"' +
      (config.target ? " checked" : "") + '><label for="' + targetId + '">' + escape(text.label_target) + "</label>";
    var target = check.querySelector("input");
    target.addEventListener("change", update);
    settings.appendChild(check);
    container.appendChild(settings);
    container.appendChild(result);
    update();
    container.classList.add("wx-ready");
  }

  function start() {
    var boxes = document.querySelectorAll(".window-explorer:not(.wx-ready)");
    if (boxes.length) addStyle();
    boxes.forEach(build);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
