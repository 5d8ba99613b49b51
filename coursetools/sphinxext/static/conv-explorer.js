/* Chapter 3's convolution explorer on a book page, with no kernel: the conv-explorer
   directive (coursetools/sphinxext/explorers.py) writes a container holding the
   page language's strings and the sliders as JSON (from dlcourse/cnn_explorer.py, the
   one source); this script adds the sliders and draws what dlcourse.cnn_explorer.render
   draws in a notebook: the same markup, classes, numbers and data-taps.
   A browser test (tests/test_conv_explorer_browser.py) checks it against Python. */
(function () {
  "use strict";

  // The drawing, in SVG user units (as CELL, BOX, LEFT, FIRST_ROW, ROW in Python).
  var CELL = 20, BOX = 18, LEFT = 26, FIRST_ROW = 34, ROW = 14;
  var WARNING_STYLE = "border-left:4px solid #c0392b;background:#fdecea;color:#611a15;" +
                      "padding:.4em .7em";

  function escape(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;")
      .replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? String(values[key]) : whole;
    });
  }

  // How many cells a kernel of k weights at dilation d spans (dlcourse.cnn.effective_kernel).
  function kernelSpan(k, d) { return d * (k - 1) + 1; }

  // The input positions each output's kernel weights meet (dlcourse.cnn_explorer.footprints).
  function footprints(n, k, s, p, d) {
    var reach = kernelSpan(k, d), rows = [];
    for (var start = -p; start + reach <= n + p; start += s) {
      var taps = [];
      for (var j = 0; j < k; j++) taps.push(start + j * d);
      rows.push(taps);
    }
    return rows;
  }

  function svg(n, p, rows, used, text) {
    var cols = n + 2 * p;
    var width = LEFT + cols * CELL + 2, height = FIRST_ROW + Math.max(rows.length - 1, 0) * ROW + 8;
    function centre(x) { return LEFT + (x + p) * CELL + 1 + BOX / 2; }
    var parts = ['<div class="cx-scroll" style="overflow-x:auto">' +
                 '<svg class="cx-drawing" viewBox="0 0 ' + width + " " + height + '" width="100%" ' +
                 'style="display:block;min-width:' + Math.round(width * 0.75) + "px;" +
                 "max-width:" + Math.round(width * 1.25) + 'px;height:auto" ' +
                 'role="img" aria-label="' + escape(text.figure) + '" ' +
                 'font-family="sans-serif" font-size="11" text-anchor="middle">'];
    for (var x = -p; x < n + p; x++) {
      var left = LEFT + (x + p) * CELL + 1;
      if (x >= 0 && x < n) {
        parts.push('<rect class="cx-input" x="' + left + '" y="2" width="' + BOX + '" height="' + BOX +
                   '" fill="' + (used[x] ? "#cfe2f3" : "#ffffff") + '" stroke="#555"/>' +
                   '<text x="' + centre(x) + '" y="15" fill="#222">' + x + "</text>");
      } else {
        parts.push('<rect class="cx-pad" x="' + left + '" y="2" width="' + BOX + '" height="' + BOX +
                   '" fill="#d9d9d9" stroke="#888" stroke-dasharray="3 2"/>' +
                   '<text x="' + centre(x) + '" y="15" fill="#555" font-style="italic">0</text>');
      }
    }
    rows.forEach(function (taps, i) {
      var y = FIRST_ROW + i * ROW;
      parts.push('<g class="cx-row" data-taps="' + taps.join(",") + '">' +
                 '<text x="' + (LEFT - 6) + '" y="' + (y + 4) + '" text-anchor="end" fill="currentColor">' +
                 i + "</text>");
      if (taps.length > 1) {
        parts.push('<line x1="' + centre(taps[0]) + '" y1="' + y + '" x2="' + centre(taps[taps.length - 1]) +
                   '" y2="' + y + '" stroke="#e07b00" stroke-width="2"/>');
      }
      taps.forEach(function (tap) {
        parts.push('<circle cx="' + centre(tap) + '" cy="' + y + '" r="3.5" fill="#e07b00"/>');
      });
      parts.push("</g>");
    });
    return parts.join("") + "</svg></div>";
  }

  // dlcourse.cnn_explorer.render: the formula and the drawing, or only a warning.
  function render(v, text, maxRows) {
    var rows = footprints(v.n, v.k, v.s, v.p, v.d), span = kernelSpan(v.k, v.d);
    if (!rows.length) {
      return '<div class="cx-result"><p class="cx-warning" role="alert" style="' + WARNING_STYLE + '">' +
             escape(fill(text.invalid, {span: span, padded: v.n + 2 * v.p})) + "</p></div>";
    }
    var out = Math.floor((v.n + 2 * v.p - span) / v.s) + 1;  // dlcourse.cnn.conv_out
    var formula = fill(text.formula, {n: v.n, pad: 2 * v.p, reach: span - 1, s: v.s});
    var parts = ['<div class="cx-result"><p class="cx-formula">' + escape(formula) + ' = ' +
                 '<strong class="cx-out">' + out + "</strong></p>"];
    var used = {};
    rows.forEach(function (taps) { taps.forEach(function (x) { used[x] = true; }); });
    parts.push(svg(v.n, v.p, rows.slice(0, maxRows), used, text));
    if (out > maxRows) {
      parts.push('<p class="cx-note cx-capped">' + escape(fill(text.capped, {shown: maxRows, out: out})) + "</p>");
    }
    var skipped = [];
    for (var x = 0; x < v.n; x++) if (!used[x]) skipped.push(x);
    if (skipped.length) {
      var note = fill(skipped.length === 1 ? text.skipped_one : text.skipped, {cells: skipped.join(", ")});
      parts.push('<p class="cx-note cx-skipped">' + escape(note) + "</p>");
    }
    parts.push('<p class="cx-legend"><small>' + escape(text.legend) + "</small></p>");
    return parts.join("") + "</div>";
  }

  function build(container, index) {
    var config = JSON.parse(container.querySelector("script.conv-explorer-config").textContent);
    var text = config.text, inputs = {};
    var settings = document.createElement("fieldset");
    settings.className = "cx-settings";
    settings.innerHTML = "<legend>" + escape(text.settings) + "</legend>";
    var result = document.createElement("div");
    result.className = "cx-output";

    function update() {
      var values = {};
      Object.keys(inputs).forEach(function (name) {
        values[name] = parseInt(inputs[name].value, 10);
        inputs[name].nextElementSibling.textContent = String(values[name]);
      });
      result.innerHTML = render(values, text, config.maxRows);
    }

    config.sliders.forEach(function (slider) {
      var name = slider[0], id = "cx" + index + "-" + name;
      var row = document.createElement("div");
      row.className = "cx-slider";
      row.innerHTML = '<label for="' + id + '">' + escape(text["label_" + name]) + "</label>" +
        '<input type="range" id="' + id + '" name="' + name + '" min="' + slider[1] + '" max="' + slider[2] +
        '" step="1" value="' + slider[3] + '">' + '<output for="' + id + '" class="cx-value"></output>';
      inputs[name] = row.querySelector("input");
      inputs[name].addEventListener("input", update);
      settings.appendChild(row);
    });
    container.appendChild(settings);
    container.appendChild(result);
    update();
    container.classList.add("cx-ready");
  }

  function start() {
    document.querySelectorAll(".conv-explorer:not(.cx-ready)").forEach(build);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
