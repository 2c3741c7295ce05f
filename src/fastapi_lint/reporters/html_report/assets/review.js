(function () {
  "use strict";

  var $$ = function (selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  };
  var sources = JSON.parse(document.getElementById("review-sources").textContent || "{}");
  var state = { families: new Set(), rule: "", sev: "", path: "", q: "" };

  function esc(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // ---- source view: Python highlighted line by line, findings under their lines ----

  var TOKEN = new RegExp(
    [
      "(#[^\\n]*)",
      "((?:[rRbBuUfF]{1,2})?(?:\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*'))",
      "(^[ \\t]*@[\\w.]+)",
      "\\b(\\d[\\w.]*)\\b",
      "\\b(and|as|assert|async|await|break|class|continue|def|del|elif|else|except|finally|for|from|global|if|import|in|is|lambda|nonlocal|not|or|pass|raise|return|try|while|with|yield|None|True|False)\\b",
      "\\b(self|cls|print|len|dict|list|str|int|float|bool|set|tuple|type|isinstance|super|range|open)\\b"
    ].join("|"),
    "gm"
  );
  var KINDS = ["c", "s", "d", "n", "k", "b"];

  function highlight(text) {
    var lines = [""];
    var push = function (piece, kind) {
      piece.split("\n").forEach(function (part, index) {
        if (index > 0) lines.push("");
        if (part) lines[lines.length - 1] += kind ? '<span class="tok-' + kind + '">' + esc(part) + "</span>" : esc(part);
      });
    };
    var last = 0;
    var match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      if (match[0] === "") { TOKEN.lastIndex += 1; continue; }
      push(text.slice(last, match.index), "");
      for (var group = 1; group <= KINDS.length; group += 1) {
        if (match[group] !== undefined) { push(match[0], KINDS[group - 1]); break; }
      }
      last = TOKEN.lastIndex;
    }
    push(text.slice(last), "");
    if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
    return lines;
  }

  function notesByLine(details) {
    var notes = {};
    $$(".file-findings > .finding", details).forEach(function (item) {
      var line = item.getAttribute("data-line");
      (notes[line] = notes[line] || []).push(item);
    });
    return notes;
  }

  function renderSource(details) {
    var box = details.querySelector(".source");
    if (!box || box.getAttribute("data-done")) return;
    box.setAttribute("data-done", "1");
    var id = box.getAttribute("data-file");
    if (!Object.prototype.hasOwnProperty.call(sources, id)) {
      details.classList.add("no-source");
      return;
    }
    var text = sources[id].replace(/\r\n?/g, "\n");
    var notes = notesByLine(details);
    var rows = highlight(text).map(function (html, index) {
      var number = index + 1;
      var flagged = notes[number] || [];
      var kind = flagged.length === 0 ? "" : flagged.some(function (item) {
        return item.getAttribute("data-sev") === "error";
      }) ? "flag-error" : "flag-warning";
      var row = '<tr id="' + id + "-L" + number + '" class="' + kind + '"><td class="n"><a href="#' +
        id + "-L" + number + '">' + number + '</a></td><td class="t">' + (html || " ") + "</td></tr>";
      if (flagged.length) {
        row += '<tr class="note"><td class="n"></td><td class="t"><ol class="findings">' +
          flagged.map(function (item) { return item.outerHTML; }).join("") + "</ol></td></tr>";
      }
      return row;
    });
    box.innerHTML = "<table>" + rows.join("") + "</table>";
    applyFilters();
  }

  // ---- filters ----

  function findingActive() {
    return state.families.size > 0 || state.rule !== "" || state.sev !== "";
  }

  function passes(item) {
    if (state.families.size && !state.families.has(item.getAttribute("data-family"))) return false;
    if (state.rule && item.getAttribute("data-code") !== state.rule) return false;
    if (state.sev && item.getAttribute("data-sev") !== state.sev) return false;
    var path = (item.getAttribute("data-path") || "").toLowerCase();
    return !state.path || path.indexOf(state.path) >= 0;
  }

  function textHit(text) {
    return !state.q || text.toLowerCase().indexOf(state.q) >= 0;
  }

  // Show the findings of ``container`` that pass; returns how many are shown.
  function showFindings(container, ownHit) {
    var shown = 0;
    $$(".finding", container).forEach(function (item) {
      var visible = passes(item) && (ownHit || textHit(item.textContent));
      item.hidden = !visible;
      if (visible) shown += 1;
    });
    return shown;
  }

  function filterEndpoints() {
    var shown = 0;
    var all = $$(".endpoint");
    all.forEach(function (endpoint) {
      var ownHit = !!state.q && textHit(endpoint.getAttribute("data-search") || "");
      var found = showFindings(endpoint, ownHit);
      var pathHit = !state.path || (endpoint.getAttribute("data-paths") || "").toLowerCase().indexOf(state.path) >= 0;
      var visible = (pathHit || found > 0) && (!state.q || ownHit || found > 0) &&
        (!findingActive() || found > 0);
      endpoint.hidden = !visible;
      if (visible) shown += 1;
    });
    $$("#endpoints h3.group").forEach(function (heading) {
      var list = heading.nextElementSibling;
      heading.hidden = list && $$(".endpoint", list).every(function (e) { return e.hidden; });
    });
    return [shown, all.length];
  }

  function filterFiles() {
    var shownFindings = 0;
    var all = $$("details.file");
    var shownFiles = 0;
    all.forEach(function (file) {
      var path = (file.getAttribute("data-path") || "").toLowerCase();
      var ownHit = !!state.q && textHit(path);
      var listed = file.querySelector(".file-findings");
      var found = listed ? showFindings(listed, ownHit) : 0;
      var note = file.querySelector(".source");
      if (note) showFindings(note, ownHit);
      $$(".source tr.note", file).forEach(function (row) {
        row.hidden = $$(".finding", row).every(function (item) { return item.hidden; });
      });
      var visible = (!state.path || path.indexOf(state.path) >= 0) && (!state.q || ownHit || found > 0) &&
        (!findingActive() || found > 0);
      file.hidden = !visible;
      if (visible) shownFiles += 1;
      shownFindings += visible ? found : 0;
    });
    return [shownFindings, shownFiles, all.length];
  }

  function filterRules() {
    $$("details.rule", document.getElementById("rules")).forEach(function (rule) {
      var code = rule.id.replace(/^rule-/, "");
      rule.hidden = !!state.rule && code !== state.rule;
    });
  }

  function applyFilters() {
    var endpoints = filterEndpoints();
    var files = filterFiles();
    filterRules();
    var total = document.querySelectorAll(".file-findings > .finding").length;
    var shown = document.getElementById("shown");
    if (shown) {
      var parts = [files[0] + " of " + total + " findings"];
      if (endpoints[1]) parts.push(endpoints[0] + " of " + endpoints[1] + " endpoints");
      shown.textContent = parts.join(" · ");
    }
    $$(".bar-row").forEach(function (row) {
      var key = row.getAttribute("data-filter");
      var value = row.getAttribute("data-value");
      var active = key === "family" ? state.families.has(value) :
        key === "sev" ? state.sev === value : state.rule === value;
      row.classList.toggle("active", active);
    });
    $$(".chip").forEach(function (chip) {
      chip.setAttribute("aria-pressed", String(state.families.has(chip.getAttribute("data-family"))));
    });
  }

  function setRule(code) {
    state.rule = code;
    var select = document.getElementById("rule");
    if (select) select.value = code;
  }

  function setSeverity(severity) {
    state.sev = severity;
    var select = document.getElementById("sev");
    if (select) select.value = severity;
  }

  function toggleFamily(family) {
    if (state.families.has(family)) state.families.delete(family); else state.families.add(family);
  }

  function bindFilters() {
    var input = function (id, key, transform) {
      var element = document.getElementById(id);
      if (!element) return;
      element.addEventListener("input", function () {
        state[key] = transform(element.value);
        applyFilters();
      });
    };
    var lower = function (value) { return value.trim().toLowerCase(); };
    input("q", "q", lower);
    input("path", "path", lower);
    input("rule", "rule", function (value) { return value; });
    input("sev", "sev", function (value) { return value; });
    $$(".chip").forEach(function (chip) {
      chip.addEventListener("click", function () {
        toggleFamily(chip.getAttribute("data-family"));
        applyFilters();
      });
    });
    $$(".bar-row").forEach(function (row) {
      row.addEventListener("click", function () {
        var value = row.getAttribute("data-value");
        var key = row.getAttribute("data-filter");
        if (key === "family") toggleFamily(value);
        else if (key === "sev") setSeverity(state.sev === value ? "" : value);
        else setRule(state.rule === value ? "" : value);
        applyFilters();
        document.getElementById("endpoints").scrollIntoView();
      });
    });
    document.getElementById("reset").addEventListener("click", function () {
      state.families.clear();
      state.q = state.path = state.sev = "";
      setRule("");
      ["q", "path", "sev"].forEach(function (id) { document.getElementById(id).value = ""; });
      applyFilters();
    });
  }

  // ---- navigation: lines of files, endpoints, rule pages in a dialog ----

  function goTo(hash) {
    var line = /^#(f\d+)(?:-L(\d+))?$/.exec(hash);
    var target = hash.length > 1 ? document.getElementById(hash.slice(1)) : null;
    if (line) {
      var file = document.getElementById(line[1]);
      if (!file) return;
      file.hidden = false;
      file.open = true;
      renderSource(file);
      target = line[2] ? document.getElementById(line[1] + "-L" + line[2]) : file;
      $$(".source tr.target").forEach(function (row) { row.classList.remove("target"); });
      if (target && line[2]) target.classList.add("target");
    } else if (target && target.tagName === "DETAILS") {
      target.open = true;
    }
    if (target) target.scrollIntoView({ block: line && line[2] ? "center" : "start" });
  }

  var dialog = document.getElementById("rule-dialog");

  function showRule(code) {
    var page = document.getElementById("rule-" + code);
    if (!page || !dialog) return false;
    var copy = page.cloneNode(true);
    copy.removeAttribute("id");
    copy.hidden = false;
    copy.open = true;
    var body = dialog.querySelector(".dialog-body");
    body.innerHTML = "";
    body.appendChild(copy);
    dialog.hidden = false;
    dialog.querySelector(".dialog-close").focus();
    return true;
  }

  function closeDialog() {
    if (dialog) dialog.hidden = true;
  }

  function bindNavigation() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
      if (!link) return;
      var hash = link.getAttribute("href");
      var rule = link.getAttribute("data-rule");
      if (rule && showRule(rule)) {
        event.preventDefault();
        return;
      }
      if (/^#(f\d+|e\d+)/.test(hash)) {
        event.preventDefault();
        closeDialog();
        history.pushState(null, "", hash);
        goTo(hash);
      }
    });
    $$("details.file").forEach(function (file) {
      file.addEventListener("toggle", function () { if (file.open && !printing) renderSource(file); });
    });
    if (dialog) {
      dialog.addEventListener("click", function (event) { if (event.target === dialog) closeDialog(); });
      dialog.querySelector(".dialog-close").addEventListener("click", closeDialog);
    }
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") closeDialog(); });
    window.addEventListener("hashchange", function () { goTo(location.hash); });
  }

  // Printing shows every endpoint's and every file's findings (not the sources), then
  // puts the page back as it was.
  var printing = false;

  function bindPrinting() {
    var opened = [];
    window.addEventListener("beforeprint", function () {
      printing = true;
      opened = $$("details.endpoint:not([open]), details.file:not([open])");
      opened.forEach(function (details) { details.open = true; });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (details) { details.open = false; });
      printing = false;
    });
  }

  bindFilters();
  bindNavigation();
  bindPrinting();
  applyFilters();
  document.documentElement.setAttribute("data-ready", "1");
  if (location.hash) goTo(location.hash);
})();
