/*
 * The page's language in the address, the tab's title and <html lang>.
 *
 * The header's language toggle (.wb-lang, ipywidgets ToggleButtons) relabels the page in its
 * kernel; the browser's address kept ?lang=en, so a reload or a shared link came back in the
 * other language, and the tab and <html lang> stayed as the page was first served. This script
 * watches which toggle button is active and, when it changes, rewrites ?lang= in the address
 * (history.replaceState: no reload, no new history entry), the tab's title and <html lang>.
 *
 * The server (workbench.serve) gives, as data attributes of this script's tag:
 *   data-langs   the toggle's languages in order ("en,zh")
 *   data-titles  {"en": title, "zh": title} of this page
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__workbenchPageLang) {
    return;
  }
  window.__workbenchPageLang = true;
  var langs = (script.dataset.langs || "en,zh").split(",");
  var titles = {};
  try {
    titles = JSON.parse(script.dataset.titles || "{}");
  } catch (e) {
    titles = {};
  }
  var shown = null;

  function active() {
    var buttons = document.querySelectorAll(".wb-lang .widget-toggle-button");
    for (var i = 0; i < buttons.length; i += 1) {
      if (buttons[i].classList.contains("mod-active") && langs[i]) {
        return langs[i];
      }
    }
    return null;
  }

  function follow() {
    var lang = active();
    if (!lang || lang === shown) {
      return;
    }
    var first = shown === null;
    shown = lang;
    document.documentElement.lang = lang === "zh" ? "zh-CN" : lang;
    if (titles[lang]) {
      document.title = titles[lang];
    }
    var url = new URL(window.location.href);
    // the address as it came stays until the language is changed (no ?lang= added to a
    // plain address on arrival); from then on it says the language on screen
    var asked = url.searchParams.get("lang");
    if ((!first || asked !== null) && asked !== lang) {
      url.searchParams.set("lang", lang);
      window.history.replaceState(window.history.state, "", url.toString());
    }
  }

  var queued = false;
  new MutationObserver(function () {
    if (!queued) {
      queued = true;
      window.requestAnimationFrame(function () {
        queued = false;
        follow();
      });
    }
  }).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["class"]
  });
})();
