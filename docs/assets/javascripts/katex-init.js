/* Typeset the site's math with the vendored KaTeX (docs/assets/katex): no network.
 *
 * Three sources of math reach a page:
 *  1. Markdown pages and API docstrings: pymdownx.arithmatex (generic mode) wraps each
 *     formula as <span class="arithmatex">\(...\)</span> or <div class="arithmatex">\[...\]</div>.
 *  2. Notebook pages (mkdocs-jupyter): markdown cells keep $...$ and $$...$$ as plain text
 *     inside .jupyter-wrapper; KaTeX's auto-render finds them (never inside pre/code).
 *  3. The table of contents, which repeats the headings of both kinds as plain text.
 * Other text is left alone, so a "$" in prose stays a dollar sign.
 *
 * A formula KaTeX cannot parse is reported with console.error (the browser test fails on
 * it) and left as source text. Material's document$ fires on every page load, including
 * instant navigation when that feature is enabled.
 */
(function () {
  "use strict";

  function typesetArithmatex(root) {
    root.querySelectorAll(".arithmatex").forEach(function (el) {
      if (el.querySelector(".katex")) return; // already typeset
      var src = el.textContent.trim();
      var tex = src;
      var display = el.tagName === "DIV";
      var m;
      if ((m = /^\\\(([\s\S]*)\\\)$/.exec(src))) {
        tex = m[1];
        display = false;
      } else if ((m = /^\\\[([\s\S]*)\\\]$/.exec(src))) {
        tex = m[1];
        display = true;
      }
      try {
        katex.render(tex, el, { displayMode: display, throwOnError: true });
      } catch (err) {
        el.textContent = src; // katex.render emptied it: show the source instead
        console.error("KaTeX could not typeset `" + tex + "`: " + err.message);
      }
    });
  }

  function typesetNotebooks(root) {
    root.querySelectorAll(".jupyter-wrapper").forEach(function (el) {
      renderMathInElement(el, {
        delimiters: [
          { left: "$$", right: "$$", display: true },
          { left: "\\[", right: "\\]", display: true },
          { left: "\\begin{equation}", right: "\\end{equation}", display: true },
          { left: "\\begin{align}", right: "\\end{align}", display: true },
          { left: "$", right: "$", display: false },
          { left: "\\(", right: "\\)", display: false },
        ],
        ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "option"],
        ignoredClasses: ["katex"],
        throwOnError: true,
        errorCallback: function (msg, err) {
          console.error(msg + err);
        },
      });
    });
  }

  // The table of contents repeats each heading as plain text: \(...\) from Markdown
  // pages, $...$ from notebooks (only there is a "$" taken for math).
  function typesetNavigation(root) {
    var delimiters = [{ left: "\\(", right: "\\)", display: false }];
    if (root.querySelector(".jupyter-wrapper")) {
      delimiters.push({ left: "$", right: "$", display: false });
    }
    root.querySelectorAll(".md-nav__link").forEach(function (el) {
      renderMathInElement(el, {
        delimiters: delimiters,
        ignoredClasses: ["katex"],
        throwOnError: true,
        errorCallback: function (msg, err) {
          console.error(msg + err);
        },
      });
    });
  }

  function typeset(root) {
    if (typeof katex === "undefined" || typeof renderMathInElement === "undefined") {
      console.error("KaTeX is not loaded: check extra_javascript in mkdocs.yml");
      return;
    }
    typesetArithmatex(root);
    typesetNotebooks(root);
    typesetNavigation(root);
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(function () {
      typeset(document.body);
    });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      typeset(document.body);
    });
  } else {
    typeset(document.body);
  }
})();
