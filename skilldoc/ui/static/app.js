// skilldoc 申报工作台: the little script the pages need. No business rule lives here:
// counts, previews and checks come from the server (the same library as `skilldoc check`).
"use strict";

function $(sel, root) { return (root || document).querySelector(sel); }
function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

async function postJSON(url, data) {
  const res = await fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json"}, body: JSON.stringify(data)
  });
  let body = {};
  try { body = await res.json(); } catch (e) { body = {error: "服务器没有返回结果（" + res.status + "）"}; }
  return {status: res.status, body: body};
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}

// --- live pages: 总览 and 证明材料 refresh themselves when a file in the folder changes ----------
function startLive() {
  const live = $("#live");
  if (!live) return;
  const every = parseInt(document.body.dataset.poll || "1000", 10);
  let busy = false;
  async function tick() {
    if (busy) return;
    busy = true;
    try {
      const res = await fetch("/api/version", {credentials: "same-origin", cache: "no-store"});
      const v = await res.json();
      if (v.version && v.version !== live.dataset.version) {
        const note = live.querySelector(".refreshing");
        if (note) note.hidden = false;
        const page = await fetch(live.dataset.url, {credentials: "same-origin", cache: "no-store"});
        if (page.ok) {
          const html = await page.text();
          live.innerHTML = html;
          const marker = live.querySelector("[data-version]");
          live.dataset.version = marker ? marker.dataset.version : v.version;
          bindCopyButtons();
        }
      }
    } catch (e) { /* server stopped or busy: try again next tick */ }
    busy = false;
  }
  setInterval(tick, every);
}

function bindCopyButtons() {
  $all(".copy-row").forEach(btn => {
    btn.onclick = async () => {
      const text = btn.dataset.row;
      try { await navigator.clipboard.writeText(text); }
      catch (e) {
        const ta = document.createElement("textarea");
        ta.value = text; document.body.appendChild(ta); ta.select(); document.execCommand("copy"); ta.remove();
      }
      btn.textContent = "已复制 ✓";
    };
  });
}

// --- 正文 editor ------------------------------------------------------------------------------
function startEditor() {
  const editor = $("#editor");
  if (!editor) return;
  const number = parseInt(editor.dataset.number, 10);
  const text = $("#text");
  let version = editor.dataset.version;
  let saved = text.value;
  let timer = null;
  let seq = 0;

  function setState(msg, cls) { const s = $("#save-state"); s.textContent = msg; s.className = "small " + (cls || ""); }
  function dirty() { return text.value !== saved; }

  function showProblems(problems) {
    const box = $("#problems");
    box.innerHTML = problems.map(p =>
      '<div class="' + p.severity + '" data-line="' + (p.line || "") + '">' +
      (p.line ? '<a href="#" class="goto">第 ' + p.line + ' 行</a> ' : "") + escapeHtml(p.message) +
      (p.hint ? '<div class="hint">→ ' + escapeHtml(p.hint) + "</div>" : "") + "</div>").join("");
  }

  async function refresh() {
    const mine = ++seq;
    const r = await postJSON("/api/preview", {number: number, text: text.value});
    if (mine !== seq) return;  // a newer request is on its way
    const b = r.body;
    if (r.status !== 200) { showProblems([{severity: "error", message: b.error || "预览失败"}]); return; }
    const count = $("#count");
    count.className = "count " + b.status;
    $("#count-words").textContent = b.words === null ? "—" : b.words;
    if (b.words !== null) $("#preview").innerHTML = b.html;
    $("#preview").classList.toggle("stale", b.words === null);
    showProblems(b.problems);
  }

  text.addEventListener("input", () => {
    setState(dirty() ? "有未保存的修改" : "", dirty() ? "warn" : "");
    clearTimeout(timer);
    timer = setTimeout(refresh, 120);
  });

  function gotoLine(line) {
    const lines = text.value.split("\n");
    line = Math.max(1, Math.min(line, lines.length));
    let start = 0;
    for (let i = 0; i < line - 1; i++) start += lines[i].length + 1;
    text.focus();
    text.setSelectionRange(start, start + lines[line - 1].length);
    const lh = parseFloat(getComputedStyle(text).lineHeight) || 24;
    // approximate: wrapped lines make this a lower bound, which still brings the line into view
    text.scrollTop = Math.max(0, (line - 3) * lh);
  }
  $("#problems").addEventListener("click", ev => {
    const a = ev.target.closest(".goto");
    if (!a) return;
    ev.preventDefault();
    gotoLine(parseInt(a.parentElement.dataset.line, 10));
  });
  if (parseInt(editor.dataset.line, 10) > 0) gotoLine(parseInt(editor.dataset.line, 10));

  // insert panel: a click inserts the expression at the cursor
  $all(".insert-list button").forEach(btn => btn.addEventListener("mousedown", ev => ev.preventDefault()));
  $all(".insert-list button").forEach(btn => btn.addEventListener("click", () => {
    if (text.readOnly) return;
    const snippet = btn.dataset.insert;
    const start = text.selectionStart, end = text.selectionEnd;
    text.focus();
    text.setRangeText(snippet, start, end, "end");
    text.dispatchEvent(new Event("input"));
  }));
  const filter = $("#insert-filter");
  if (filter) filter.addEventListener("input", () => {
    const q = filter.value.trim().toLowerCase();
    $all(".insert-list li").forEach(li => { li.hidden = q && li.textContent.toLowerCase().indexOf(q) < 0; });
  });

  async function save(base) {
    setState("正在保存……");
    const r = await postJSON("/api/save", {number: number, text: text.value, base_version: base});
    if (r.status === 409 && r.body.disk_text !== undefined && r.body.disk_text !== null) {
      $("#disk-text").value = r.body.disk_text;
      $("#conflict").hidden = false;
      $("#conflict").dataset.version = r.body.version;
      setState("未保存：文件在别处被修改过", "bad");
      return;
    }
    if (!r.body.saved) { setState("未保存：" + (r.body.error || "出错了"), "bad"); return; }
    version = r.body.version;
    saved = text.value;
    $("#conflict").hidden = true;
    setState("已保存" + (r.body.backup ? "（原来的版本保存在 " + r.body.backup + "）" : ""), "ok");
  }
  $("#save").addEventListener("click", () => save(version));
  document.addEventListener("keydown", ev => {
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "s") { ev.preventDefault(); if (!$("#save").disabled) save(version); }
  });
  $("#conflict-mine").addEventListener("click", () => save(null));
  $("#conflict-theirs").addEventListener("click", () => {
    text.value = $("#disk-text").value;
    saved = text.value;
    version = $("#conflict").dataset.version;
    $("#conflict").hidden = true;
    setState("已载入文件里的内容", "ok");
    refresh();
  });
  window.addEventListener("beforeunload", ev => { if (dirty()) { ev.preventDefault(); ev.returnValue = ""; } });
}

// --- 证明材料: drop files to copy them into 证明材料/ ----------------------------------------------
function startUpload() {
  const zone = $("#dropzone");
  if (!zone) return;
  const log = $("#upload-log");
  async function send(files) {
    for (const file of files) {
      const li = document.createElement("li");
      li.textContent = "正在复制 " + file.name + " ……";
      log.appendChild(li);
      try {
        const res = await fetch("/api/upload", {
          method: "POST", credentials: "same-origin", body: file,
          headers: {"X-File-Name": encodeURIComponent(file.name), "Content-Type": "application/octet-stream"}
        });
        const b = await res.json();
        li.textContent = b.ok ? "✓ " + file.name + " → " + b.saved_as : "✗ " + file.name + "：" + b.error;
        li.className = b.ok ? "ok" : "bad";
      } catch (e) { li.textContent = "✗ " + file.name + "：上传失败"; li.className = "bad"; }
    }
  }
  zone.addEventListener("dragover", ev => { ev.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", ev => { ev.preventDefault(); zone.classList.remove("over"); send(ev.dataTransfer.files); });
  $("#file-input").addEventListener("change", ev => { send(ev.target.files); ev.target.value = ""; });
}

// --- 生成 ---------------------------------------------------------------------------------------
function startBuild() {
  const formEl = $("#build-form");
  if (!formEl) return;
  const button = $("#build-button");
  let polling = null;
  async function poll() {
    const res = await fetch("/api/build", {credentials: "same-origin", cache: "no-store"});
    const b = await res.json();
    $("#build-status").innerHTML = b.html;
    if (!b.job || !b.job.running) { clearInterval(polling); polling = null; button.disabled = false; }
  }
  formEl.addEventListener("submit", async ev => {
    ev.preventDefault();
    const data = {};
    $all("input[type=checkbox]", formEl).forEach(i => { data[i.name] = i.checked; });
    button.disabled = true;
    const r = await postJSON("/api/build", data);
    if (r.status !== 202) { alert(r.body.error || "无法开始生成"); button.disabled = false; return; }
    poll();
    polling = setInterval(poll, 500);
  });
  const job = $("#job");
  if (job && job.dataset.running === "yes") { button.disabled = true; polling = setInterval(poll, 500); }
}

startLive();
bindCopyButtons();
startEditor();
startUpload();
startBuild();
