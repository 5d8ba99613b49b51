/* The menu buttons of the book, made to work at every width.

   pydata-sphinx-theme 0.17 added its own sidebar buttons to the top bar, so a page of
   sphinx-book-theme has two ".primary-toggle" (and two ".secondary-toggle") buttons. Both
   themes attach their listeners to the first one only, which is hidden, and the visible
   button of the article header does nothing: on a phone or a tablet the chapter list
   could not be opened at all (pydata-sphinx-theme #2451, sphinx-book-theme #988).
   Until that is fixed upstream, a click on any other such button is handed to the first,
   so the themes' own code runs: a dialog on narrow screens, a collapsing sidebar on wide
   ones. tests/test_browser.py clicks the visible buttons at phone, tablet and desktop
   widths, by mouse and by keyboard, and fails when this is no longer needed or no longer
   works. */
(function () {
  "use strict";
  function forward() {
    [".primary-toggle", ".secondary-toggle"].forEach(function (selector) {
      var buttons = document.querySelectorAll(selector), first = buttons[0];
      Array.prototype.slice.call(buttons, 1).forEach(function (button) {
        button.addEventListener("click", function (event) {
          event.preventDefault();
          event.stopPropagation();
          first.click();
        });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", forward);
  else forward();
})();
