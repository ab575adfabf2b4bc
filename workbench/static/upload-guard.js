/*
 * Upload guard: a file over the workbench's upload limit never leaves the browser.
 *
 * ipywidgets' FileUpload reads the picked file whole and sends it over the kernel websocket.
 * A file over the server's websocket message limit is dropped by tornado without a word (and
 * the connection closes); one under it but over the upload limit travels for nothing. So this
 * script checks the size first: a file over the limit stops here, the picker is cleared, and a
 * message in the page's language appears beside the upload button. The kernel hears nothing,
 * so the data and results on screen stay as they were.
 *
 * The limit and the message texts come from the server (workbench.serve), which reads them
 * from workbench.io.MAX_UPLOAD_BYTES and the i18n catalogue: this file has no number or text
 * of its own. They arrive as data attributes of this script's tag:
 *   data-limit      the limit in bytes
 *   data-messages   {"en": {key: text}, "zh": {...}} (serve.UPLOAD_GUARD_TEXTS, shown in that
 *                   order) with {name} {size} {limit}
 *
 * FileUpload's <input type=file> is never attached to the document, so a listener on the
 * document cannot see its events; the guard hooks the moment the button opens the picker
 * (input.click()) and puts a capturing "change" listener on that input, which runs before the
 * widget's own listener (capturing listeners run first at the target) and stops it.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__workbenchUploadGuard) {
    return;
  }
  window.__workbenchUploadGuard = true;

  var limit = Number(script.getAttribute("data-limit"));
  var messages = {};
  try {
    messages = JSON.parse(script.getAttribute("data-messages") || "{}");
  } catch (err) {
    messages = {};
  }
  if (!(limit > 0)) {
    return;
  }

  var MIB = 1024 * 1024;
  var guarded = new WeakSet();
  var lastButton = null;

  /* 52428800 -> "50"; otherwise rounded *up* to 0.1 (as workbench.ui.shell._mebibytes). */
  function mebibytes(n) {
    if (n % MIB === 0) {
      return String(n / MIB);
    }
    return (Math.ceil((n * 10) / MIB) / 10).toFixed(1);
  }

  /* The language the page shows now: page.js's (the header's toggle, else the page's starting
   * language), which runs before this script. */
  function currentLang() {
    return window.workbenchLang ? window.workbenchLang() : "en";
  }

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  /* Where the message goes: right under the row that holds the upload button. */
  function rowOf(button) {
    return (button && (button.closest(".widget-hbox") || button.parentElement)) || null;
  }

  function messageAfter(row) {
    var next = row && row.nextElementSibling;
    return next && next.classList.contains("wb-upload-too-large") ? next : null;
  }

  function render(box) {
    var texts = messages[currentLang()] || messages.en || {};
    var lines = Object.keys(texts).map(function (key) { return texts[key]; });
    var values = {
      name: box.getAttribute("data-name"),
      size: box.getAttribute("data-size"),
      limit: mebibytes(limit),
    };
    box.textContent = "";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = fill(line, values); // text, never markup: the file name is user text
      box.appendChild(p);
    });
  }

  function show(button, file) {
    var row = rowOf(button);
    var box = messageAfter(row);
    if (!box) {
      box = document.createElement("div");
      box.className = "wb-status wb-status--error wb-upload-too-large";
      box.setAttribute("role", "alert");
      if (row && row.parentNode) {
        row.insertAdjacentElement("afterend", box);
      } else {
        document.body.appendChild(box);
      }
    }
    box.setAttribute("data-name", file.name);
    box.setAttribute("data-size", mebibytes(file.size));
    box.setAttribute("data-bytes", String(file.size));
    render(box);
  }

  function clear(button) {
    var box = messageAfter(rowOf(button));
    if (box) {
      box.remove();
    }
  }

  function guard(input, button) {
    if (guarded.has(input)) {
      return;
    }
    guarded.add(input);
    input.addEventListener(
      "change",
      function (event) {
        var files = Array.prototype.slice.call(input.files || []);
        var big = files.filter(function (f) {
          return f.size > limit;
        });
        var target = input.__workbenchButton;
        if (!big.length) {
          clear(target);
          return;
        }
        event.stopImmediatePropagation(); // the widget never reads or sends the file
        input.value = "";
        show(target, big[0]);
      },
      true
    );
  }

  // Which upload button opened the picker (the input itself is not in the document).
  document.addEventListener(
    "click",
    function (event) {
      var el = event.target;
      var button = el && el.closest ? el.closest(".widget-upload") : null;
      if (button) {
        lastButton = button;
      }
      if (el && el.closest && el.closest(".wb-lang")) {
        // the language toggle: say it again in the new language once the toggle shows it
        setTimeout(function () {
          document.querySelectorAll(".wb-upload-too-large").forEach(render);
        }, 0);
      }
    },
    true
  );

  var click = HTMLInputElement.prototype.click;
  HTMLInputElement.prototype.click = function () {
    if (this.type === "file") {
      this.__workbenchButton = lastButton;
      guard(this, lastButton);
    }
    return click.apply(this, arguments);
  };
})();
