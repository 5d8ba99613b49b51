/* Hungarian tooltips for sphinx-copybutton, which ships no Hungarian messages: its
   tooltips are rewritten as soon as it sets them (added to the Hungarian book only). */
(function () {
  "use strict";
  var HU = {
    "Copy": "Másolás",
    "Copy to clipboard": "Másolás a vágólapra",
    "Copied!": "Kimásolva!",
    "Failed to copy": "A másolás nem sikerült"
  };
  function translate(el) {
    var tip = el.getAttribute("data-tooltip");
    if (HU[tip]) el.setAttribute("data-tooltip", HU[tip]);
    el.querySelectorAll("title").forEach(function (t) { if (HU[t.textContent]) t.textContent = HU[t.textContent]; });
  }
  var observer = new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      if (change.type === "attributes") translate(change.target);
      change.addedNodes && change.addedNodes.forEach(function (node) {
        if (node.nodeType === 1 && node.matches(".copybtn")) translate(node);
        if (node.nodeType === 1) node.querySelectorAll(".copybtn").forEach(translate);
      });
    });
  });
  observer.observe(document.documentElement, {subtree: true, childList: true, attributes: true,
                                              attributeFilter: ["data-tooltip"]});
})();
