/* Copy buttons that copy code that runs: Python console examples lose prompts and output.
 *
 * Material's `content.code.copy` puts a copy button on every `pre > code` block (Markdown
 * pages, docstring examples, signatures, source listings); it copies the block's text
 * without line numbers or annotations, unless an ancestor of the code (the code element
 * itself included) carries a `data-copy` attribute, whose value is copied instead.
 * mkdocs-jupyter puts its own copy button on every notebook code cell; it copies the
 * cell's source. Neither knows Python console examples (`>>>` / `...` prompts followed by
 * the output, as in every docstring's Examples), so pasting one gives text that is not
 * Python.
 *
 * For each code block that has a `>>>` prompt this script sets `data-copy` to the code
 * alone, as sphinx-copybutton does in the scientific Python docs: only the lines that
 * start with a prompt (`>>> ` or `... `, or a bare prompt for an empty line), with the
 * prompt removed; output lines, tracebacks included, are dropped. That is the code that
 * doctest runs (the tests check it on every docstring). Every other block is left alone.
 *
 * Material reads `data-copy` since 9.4.4; its documentation no longer mentions it. Should
 * a release drop it, tests/test_browser.py's copy tests fail.
 */
(function () {
  "use strict";

  var PS1 = /^>>>( |$)/; // a statement: ">>> code", or ">>>" alone
  var PS2 = /^\.\.\.( |$)/; // its continuation lines: "... code", or "..." alone

  /* Return the code of a console example `text`, or null when `text` has no `>>>`
   * prompt and is to be copied as it is. As in doctest, a `...` line continues the
   * statement above it; after an output line it is output too (a traceback's "..."). */
  function codeOfConsole(text) {
    var lines = text.split("\n");
    var code = [];
    var inStatement = false;
    lines.forEach(function (line) {
      if (PS1.test(line) || (inStatement && PS2.test(line))) {
        code.push(line.slice(4));
        inStatement = true;
      } else {
        inStatement = false; // output
      }
    });
    return code.length ? code.join("\n") : null;
  }

  /* The text a reader sees in a code element, without what Material leaves out when it
   * copies (inline line numbers, code annotations). */
  function shownText(code) {
    var clone = code.cloneNode(true);
    clone.querySelectorAll(".linenos, .md-annotation").forEach(function (el) {
      el.remove();
    });
    return clone.textContent;
  }

  function prepare(root) {
    root.querySelectorAll("pre > code").forEach(function (code) {
      if (code.hasAttribute("data-copy")) return;
      var copy = codeOfConsole(shownText(code));
      if (copy !== null) code.setAttribute("data-copy", copy);
    });
  }

  window.nnbookCopy = { codeOfConsole: codeOfConsole }; // for the browser tests

  if (typeof document$ !== "undefined") {
    document$.subscribe(function () {
      prepare(document.body);
    });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      prepare(document.body);
    });
  } else {
    prepare(document.body);
  }
})();
