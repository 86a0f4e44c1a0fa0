// vanban workspace: errors placed at their field, unsaved edits kept in the browser (localStorage),
// rows pasted from Excel, the review checklist remembered. No inline script (the CSP forbids it).
(function () {
  "use strict";
  // Every response is swapped: a refused save (409) or bad data (422) carries its message as HTML.
  htmx.config.responseHandling = [{ code: "204", swap: false }, { code: "...", swap: true }];
  htmx.config.allowEval = false;

  function form() { return document.getElementById("bieu-mau"); }
  function draftKey(f) { return "vanban:nhap:" + f.dataset.tep; }
  // Drafts of a plan by browser tab: a save in one tab never drops another tab's unsaved edits.
  var tab = sessionStorage.getItem("vanban:the");
  if (!tab) { tab = Math.random().toString(36).slice(2); sessionStorage.setItem("vanban:the", tab); }
  function drafts(key) {
    try { var all = JSON.parse(localStorage.getItem(key) || "{}"); return all && !all.fields ? all : {}; }
    catch (e) { return {}; }
  }
  function putDraft(key, draft) {
    var all = drafts(key);
    if (draft) all[tab] = draft; else delete all[tab];
    if (Object.keys(all).length) localStorage.setItem(key, JSON.stringify(all)); else localStorage.removeItem(key);
  }
  function fields(f) {
    var out = [];
    new FormData(f).forEach(function (value, name) { if (typeof value === "string") out.push([name, value]); });
    return out;
  }

  // --- errors at their field ---
  function placeErrors(errors) {
    document.querySelectorAll(".loi[id^='e-']").forEach(function (el) { el.textContent = ""; });
    document.querySelectorAll("[aria-invalid='true']").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    (errors || []).forEach(function (e) {
      var parts = e.id.split("-");
      while (parts.length) {
        var slot = document.getElementById("e-" + parts.join("-"));
        if (slot) {
          slot.textContent = slot.textContent ? slot.textContent + " · " + e.message : e.message;
          var input = document.getElementById("f-" + parts.join("-"));
          if (input) input.setAttribute("aria-invalid", "true");
          return;
        }
        parts.pop();
      }
    });
  }
  document.body.addEventListener("vanban-loi", function (ev) { placeErrors(ev.detail.errors); });
  function errorsInPage() {
    var data = document.querySelectorAll("script.du-lieu-loi");
    if (data.length) {
      try { placeErrors(JSON.parse(data[data.length - 1].textContent)); } catch (e) { /* nothing to place */ }
    }
  }

  // --- unsaved edits survive a reload or a crash ---
  var timer = null, restored = false;
  function saveDraft() {
    var f = form();
    if (!f) return;
    var now = fields(f);
    if (JSON.stringify(now) === f.dataset.goc) { putDraft(draftKey(f), null); status(""); return; }
    putDraft(draftKey(f), { fields: now, luc: Date.now() });
    status(restored ? "Đã mở lại các thay đổi chưa lưu từ lần trước (chưa lưu)" : "Có thay đổi chưa lưu (đã giữ trong trình duyệt)");
  }
  function status(text) { var s = document.getElementById("trang-thai-nhap"); if (s) s.textContent = text; }
  document.body.addEventListener("input", function (ev) {
    if (!ev.target.closest("#bieu-mau")) return;
    restored = false;
    clearTimeout(timer); timer = setTimeout(saveDraft, 150);
  });
  function remember() { var f = form(); if (f && !f.dataset.goc) f.dataset.goc = JSON.stringify(fields(f)); }
  function restoreDraft() {
    var f = form();
    if (!f) return;
    var key = draftKey(f), all = drafts(key), draft = all[tab];
    if (!draft) {  // a new tab (after a crash, or the page opened again): the latest draft left by any tab
      var latest = null;
      Object.keys(all).forEach(function (id) { if (!latest || all[id].luc > all[latest].luc) latest = id; });
      if (!latest) return;
      draft = all[latest];
      delete all[latest];
      all[tab] = draft;
      localStorage.setItem(key, JSON.stringify(all));
    }
    if (!draft.fields || JSON.stringify(draft.fields) === f.dataset.goc) return;
    var values = {};
    draft.fields.forEach(function (pair) { values[pair[0]] = pair[1]; });
    restored = true;
    htmx.ajax("POST", "/sua/bieu-mau?tep=" + encodeURIComponent(f.dataset.tep),
      { target: "#bieu-mau", swap: "outerHTML", values: values }).then(function () {
        status("Đã mở lại các thay đổi chưa lưu từ lần trước (chưa lưu)");
        var g = form(); if (g) { g.dataset.goc = f.dataset.goc; g.dataset.khoiPhuc = "1"; }
      });
  }
  document.body.addEventListener("vanban-da-luu", function () {
    var f = form();
    if (!f) return;
    putDraft(draftKey(f), null);
    f.dataset.goc = JSON.stringify(fields(f));
    status("Đã lưu");
  });
  // After rows or paragraphs moved, figures come again from the new form (a recompute of the old one
  // may still be on its way).
  document.body.addEventListener("vanban-doi-cau-truc", function () {
    setTimeout(saveDraft, 0);
    var f = form(); if (f) htmx.trigger(f, "vanban-tinh");
  });
  document.body.addEventListener("click", function (ev) {
    var drop = ev.target.closest("[data-bo-nhap]");
    if (drop) { putDraft("vanban:nhap:" + drop.dataset.boNhap, null); location.reload(); }
  });

  // --- rows pasted from Excel (tab-separated) become rows of the grid ---
  document.body.addEventListener("paste", function (ev) {
    var grid = ev.target.closest(".luoi");
    if (!grid || !ev.clipboardData) return;
    var text = ev.clipboardData.getData("text/plain");
    if (text.indexOf("\t") < 0 && text.replace(/\s+$/, "").indexOf("\n") < 0) return;
    ev.preventDefault();
    var f = form();
    var values = {};
    fields(f).forEach(function (pair) { values[pair[0]] = pair[1]; });
    values._dan = text;
    htmx.ajax("POST", "/sua/bieu-mau?tep=" + encodeURIComponent(f.dataset.tep) + "&hanh_dong=dan&duong_dan=" +
      encodeURIComponent(grid.dataset.duongDan), { target: "#bieu-mau", swap: "outerHTML", values: values });
  });

  // --- review checklist of a new year's plan, remembered ---
  function checklists() {
    document.querySelectorAll("[data-luu]").forEach(function (list) {
      var key = "vanban:" + list.dataset.luu;
      var ticked = JSON.parse(localStorage.getItem(key) || "[]");
      list.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        box.checked = ticked.indexOf(box.value) >= 0;
        box.addEventListener("change", function () {
          var now = Array.from(list.querySelectorAll("input:checked")).map(function (b) { return b.value; });
          localStorage.setItem(key, JSON.stringify(now));
        });
      });
    });
  }

  document.body.addEventListener("htmx:afterSettle", function (ev) {
    remember(); checklists();
    if (ev.detail.target && ev.detail.target.id === "bieu-mau") errorsInPage();
  });
  remember(); errorsInPage(); checklists(); restoreDraft();
})();
