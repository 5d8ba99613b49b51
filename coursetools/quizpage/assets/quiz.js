/* Static quiz checker for the course book (see coursetools/quizpage/__init__.py).
   The page holds no answer key: a response is right when its salted SHA-256 hash is
   one of the stored ones; the explanation is then decrypted with the unwrapped key.
   Plain JavaScript with its own SHA-256, so it works offline, over plain http and from
   file:// pages, where crypto.subtle may be missing. */
(function () {
  "use strict";

  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ]);

  function sha256(bytes) {
    var n = bytes.length, padded = new Uint8Array(((n + 9 + 63) >> 6) << 6);
    padded.set(bytes);
    padded[n] = 0x80;
    var bits = n * 8, view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(bits / 0x100000000));
    view.setUint32(padded.length - 4, bits >>> 0);
    var h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                             0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    var w = new Uint32Array(64);
    function rotr(x, r) { return (x >>> r) | (x << (32 - r)); }
    for (var off = 0; off < padded.length; off += 64) {
      for (var i = 0; i < 16; i++) w[i] = view.getUint32(off + 4 * i);
      for (i = 16; i < 64; i++) {
        var s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        var s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
      for (i = 0; i < 64; i++) {
        var t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
        var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    var out = new Uint8Array(32), outView = new DataView(out.buffer);
    for (i = 0; i < 8; i++) outView.setUint32(4 * i, h[i]);
    return out;
  }

  var encoder = new TextEncoder();
  function shaText(text) { return sha256(encoder.encode(text)); }
  function toHex(bytes) {
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }
  function fromHex(hex) {
    var out = new Uint8Array(hex.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
    return out;
  }
  function xor(a, b) {
    var out = new Uint8Array(a.length);
    for (var i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
    return out;
  }
  function keystream(key, length) {
    var out = new Uint8Array(length + 32);
    for (var i = 0; i * 32 < length; i++) {
      var block = new Uint8Array(key.length + 4);
      block.set(key);
      new DataView(block.buffer).setUint32(key.length, i);
      out.set(sha256(block), 32 * i);
    }
    return out.subarray(0, length);
  }

  var NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

  /* A typed number in the plain form Number() reads, by the rules of dlcourse/quiz/bank.py's
     parse_number(): spaces (also non-breaking, narrow, thin) group thousands; in English a
     comma followed by exactly three digits groups thousands ("100,480", "1,881.6"); any
     other single comma, with no point, is a decimal comma. */
  function readNumber(text, lang) {
    var cleaned = text.trim().replace(/[ \u00a0\u202f\u2009]/g, "");
    if (lang === "en" && /^[-+]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?$/.test(cleaned)) {
      return cleaned.replace(/,/g, "");
    }
    if (cleaned.split(",").length === 2 && cleaned.indexOf(".") < 0) return cleaned.replace(",", ".");
    return cleaned;
  }

  /* The canonical response, exactly as coursetools.quizpage.accepted_responses() writes it. */
  function response(form, data, lang) {
    if (data.type === "single" || data.type === "multiple") {
      var picked = [];
      form.querySelectorAll("input:checked").forEach(function (el) { picked.push(Number(el.value)); });
      picked.sort(function (x, y) { return x - y; });
      return picked.length ? { value: picked.join(",") } : { error: "no_answer" };
    }
    var text = form.querySelector(".dlq-input").value;
    if (data.type === "text") {
      var norm = text.trim().split(/\s+/).join(" ").toLowerCase();
      return norm ? { value: norm } : { error: "no_answer" };
    }
    var cleaned = readNumber(text, lang);
    if (!cleaned) return { error: "no_answer" };
    if (!NUMBER.test(cleaned)) return { error: "not_a_number" };
    var scaled = Number(cleaned) * Math.pow(10, data.decimals), point = Math.floor(scaled + 0.5);
    // An exact answer (tolerance 0) must be typed on its grid: 26.4 is not 26.
    if (data.exact && Math.abs(scaled - point) > 1e-6) return { value: "off-grid" };
    return { value: String(point) };
  }

  function check(form, data, messages, lang) {
    var feedback = form.querySelector(".dlq-feedback"), hint = form.querySelector(".dlq-hint");
    var got = response(form, data, lang);
    form.classList.remove("dlq-right", "dlq-wrong");
    if (got.error) { feedback.textContent = messages[got.error]; return; }
    var hash = toHex(shaText("h|" + data.salt + "|" + got.value)).slice(0, 32);
    var entry = data.accept.filter(function (e) { return e[0] === hash; })[0];
    if (!entry) {
      form.classList.add("dlq-wrong");
      feedback.textContent = messages.wrong;
      if (hint) hint.hidden = false;
      return;
    }
    var key = xor(fromHex(entry[1]), shaText("w|" + data.salt + "|" + got.value));
    var sealed = fromHex(data.sealed);
    var explanation = new TextDecoder().decode(xor(sealed, keystream(key, sealed.length)));
    form.classList.add("dlq-right");
    if (hint) hint.hidden = true;
    feedback.innerHTML = "<strong>" + messages.correct + "</strong> " + explanation;
    if (window.MathJax && window.MathJax.typesetPromise) window.MathJax.typesetPromise([feedback]);
  }

  /* A parametric question: show variant `index` of those the page carries (each drawn
     and sealed in Python) and remember it, so a reader keeps their numbers. */
  function useVariant(form, data, key, index) {
    var variant = data.variants[index];
    data.salt = variant.salt;
    data.accept = variant.accept;
    data.sealed = variant.sealed;
    form.setAttribute("data-variant", String(index));
    form.setAttribute("data-params", JSON.stringify(variant.params));
    form.querySelector(".dlq-prompt-text").innerHTML = variant.prompt;
    var hint = form.querySelector(".dlq-hint-text");
    if (hint) hint.innerHTML = variant.hint;
    form.querySelector(".dlq-input").value = "";
    form.querySelector(".dlq-feedback").textContent = "";
    form.classList.remove("dlq-right", "dlq-wrong");
    try { window.localStorage.setItem(key, String(index)); } catch (e) { /* file:// or private mode */ }
    if (window.MathJax && window.MathJax.typesetPromise) window.MathJax.typesetPromise([form]);
  }

  function initVariants(form, data, bank) {
    var key = "dlq-variant/" + bank + "/" + data.id, index = NaN;
    try { index = parseInt(window.localStorage.getItem(key), 10); } catch (e) { /* no storage */ }
    if (!(index >= 0 && index < data.variants.length)) {
      index = Math.floor(Math.random() * data.variants.length);
    }
    useVariant(form, data, key, index);
    form.querySelector(".dlq-new").addEventListener("click", function () {
      var current = parseInt(form.getAttribute("data-variant"), 10);
      useVariant(form, data, key, (current + 1) % data.variants.length);
    });
  }

  function init() {
    document.querySelectorAll(".dlq-quiz").forEach(function (quiz) {
      var messages = JSON.parse(quiz.getAttribute("data-messages"));
      quiz.querySelectorAll("form.dlq-question").forEach(function (form) {
        var data = JSON.parse(form.querySelector(".dlq-data").textContent);
        if (data.variants) initVariants(form, data, quiz.getAttribute("data-bank"));
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          check(form, data, messages, quiz.getAttribute("lang") || "en");
        });
      });
    });
  }

  window.dlqSha256Hex = function (text) { return toHex(shaText(text)); };
  /* For the tests: the number a typed text means (null if none), as parse_number() reads it. */
  window.dlqParseNumber = function (text, lang) {
    var cleaned = readNumber(text, lang);
    return NUMBER.test(cleaned) && isFinite(Number(cleaned)) ? Number(cleaned) : null;
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
