// Enhancements only: every page works without this file.
(() => {
  "use strict";

  // Copy buttons: <button data-copy="#input-id" hidden> appears once script can run.
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const source = document.querySelector(button.dataset.copy);
    if (!source || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.value ?? source.textContent);
        button.textContent = "Copied";
      } catch {
        source.select?.();
        button.textContent = "Press Ctrl+C";
      }
      setTimeout(() => { button.textContent = "Copy"; }, 1500);
    });
  }

  // Clone URL fields select themselves, ready to copy by hand.
  for (const input of document.querySelectorAll("input.clone-url")) {
    input.addEventListener("focus", () => input.select());
  }

  // "/" focuses the search box, unless the person is typing somewhere.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    const search = document.querySelector("[data-hotkey='/']");
    if (search) {
      event.preventDefault();
      search.focus();
    }
  });

  // Line ranges in file views: #L10 or #L10-L20 highlights; shift-click extends the selection.
  const table = document.querySelector("table[data-lines]");
  if (table) {
    const parse = () => {
      const m = /^#L(\d+)(?:-L(\d+))?$/.exec(location.hash);
      if (!m) return null;
      const a = Number(m[1]);
      const b = m[2] ? Number(m[2]) : a;
      return [Math.min(a, b), Math.max(a, b)];
    };
    const paint = () => {
      for (const row of table.querySelectorAll("tr.selected")) row.classList.remove("selected");
      const range = parse();
      if (!range) return;
      for (let n = range[0]; n <= range[1]; n++) document.getElementById("L" + n)?.classList.add("selected");
      if (range[0] !== range[1]) document.getElementById("L" + range[0])?.scrollIntoView({ block: "center" });
    };
    table.addEventListener("click", (event) => {
      const link = event.target instanceof Element ? event.target.closest("td.ln a") : null;
      if (!link || !event.shiftKey) return;
      const current = parse();
      const n = Number(link.textContent);
      if (!current) return;
      event.preventDefault();
      const start = Math.min(current[0], n);
      const end = Math.max(current[0], n);
      history.replaceState(null, "", start === end ? `#L${start}` : `#L${start}-L${end}`);
      paint();
    });
    window.addEventListener("hashchange", paint);
    paint();
  }

  // A destructive button asks first (data-confirm); without script the form posts as it is.
  document.addEventListener("submit", (event) => {
    const button = event.submitter;
    const question = button instanceof HTMLElement ? button.dataset.confirm : undefined;
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // Actions: a running job's log grows on the page (server-sent events from the job's ".../live" address), folded per
  // step as the page folds it: a "▶ step name" line starts the next step of that name. When the job ends, the page
  // loads again to show its final state. Without script the page shows the log so far and a reload shows more.
  // A browser holds only a few connections per site: a run with many running jobs streams the first few, the rest wait for the reload.
  const stepMarker = "\u25B6 ";
  for (const steps of [...document.querySelectorAll("[data-live-log]")].slice(0, 3)) {
    if (!window.EventSource) break;
    const parts = [...steps.querySelectorAll("details[data-log-part]")];
    let current = Number(steps.dataset.logPart) || 0;
    let partial = "";
    const url = new URL(steps.dataset.liveLog, location.href);
    url.searchParams.set("after", steps.dataset.logSeq);
    const source = new EventSource(url);
    steps.closest(".job")?.querySelector(".job-live-note")?.setAttribute("hidden", "");
    const nextStep = (name) => {
      for (let i = current + 1; i < parts.length; i++) {
        if (parts[i].dataset.stepName === name) return i;
      }
      return -1;
    };
    source.addEventListener("log", (event) => {
      const lines = (partial + event.data).split("\n");
      partial = lines.pop();
      let text = "";
      const flush = () => {
        if (text) parts[current].querySelector("pre").append(text);
        text = "";
      };
      for (const line of lines) {
        const step = line.startsWith(stepMarker) ? nextStep(line.slice(stepMarker.length)) : -1;
        if (step < 0) {
          text += line + "\n";
          continue;
        }
        flush();
        parts[current].open = false;
        current = step;
        parts[current].open = true;
      }
      flush();
    });
    source.addEventListener("end", () => {
      source.close();
      // A fresh GET, never a form's re-post (the page may be the answer to a refused one).
      location.replace(location.pathname + location.search);
    });
  }

  // The header's bell lights up when a notification arrives (the /ws socket, signed in by the session cookie); without
  // script the count is as of the page load.
  const bell = document.querySelector(".header-bell");
  if (bell instanceof HTMLElement && "WebSocket" in window) {
    let unread = Number(bell.dataset.unread || "0");
    const connect = (delay) => {
      const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
      socket.addEventListener("open", () => { delay = 1000; bell.dataset.live = "open"; });
      socket.addEventListener("message", (event) => {
        let message;
        try { message = JSON.parse(event.data); } catch { return; }
        if (message.type !== "notification") return;
        unread += 1;
        bell.dataset.unread = String(unread);
        bell.classList.add("has-unread");
        bell.setAttribute("aria-label", `Notifications, ${unread} unread`);
      });
      socket.addEventListener("close", () => {
        delete bell.dataset.live;
        setTimeout(() => connect(Math.min(delay * 2, 60000)), delay);
      });
    };
    connect(1000);
  }

  // An issue or pull request updates itself while open: when the server says its stamp changed (a comment, a review, an
  // event, a push, a check), the conversation, sidebar and merge box are read again and swapped in, keeping what is
  // being typed in the comment box. Without script a reload shows the same.
  const live = document.querySelector("[data-live-issue]");
  if (live instanceof HTMLElement && window.EventSource && window.DOMParser) {
    const listen = () => {
      const url = new URL(live.dataset.liveIssue, location.href);
      url.searchParams.set("since", live.dataset.version || "");
      const source = new EventSource(url);
      source.addEventListener("changed", async () => {
        source.close();
        try {
          const answer = await fetch(location.pathname + location.search, { headers: { Accept: "text/html" }, credentials: "same-origin" });
          if (!answer.ok) return;
          const fresh = new DOMParser().parseFromString(await answer.text(), "text/html").querySelector("[data-live-issue]");
          if (!(fresh instanceof HTMLElement)) return;
          const typing = document.getElementById("comment-body");
          const draft = typing instanceof HTMLTextAreaElement ? typing.value : null;
          const focused = document.activeElement === typing;
          live.replaceChildren(...fresh.childNodes);
          live.dataset.version = fresh.dataset.version || "";
          const box = document.getElementById("comment-body");
          if (box instanceof HTMLTextAreaElement && draft !== null) {
            box.value = draft;
            if (focused) box.focus();
          }
        } finally {
          listen();
        }
      });
    };
    listen();
  }
})();

// Pull request review comments (Files changed): a line's "+" or a thread's "Reply…" opens the comment form in place
// (the server's <template id="line-comment-template">), instead of loading the page with ?line= or ?reply=.
(() => {
  "use strict";
  const template = document.getElementById("line-comment-template");
  if (!template) return;
  const close = () => {
    const open = document.getElementById("line-form");
    if (!open) return;
    const row = open.closest("tr.thread-row");
    for (const reply of document.querySelectorAll(".thread-reply[hidden]")) reply.hidden = false;
    open.remove();
    if (row && !row.querySelector(".thread")) row.remove();
  };
  const openForm = (place, values, label) => {
    close();
    const form = template.content.firstElementChild.cloneNode(true);
    for (const [name, value] of Object.entries(values)) form.querySelector(`input[name="${name}"]`).value = value;
    form.querySelector("label[for='line-comment-body']").textContent = label;
    place(form);
    form.querySelector("textarea").focus();
  };
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const cancel = target.closest("#line-form .line-comment-cancel");
    if (cancel) {
      event.preventDefault();
      close();
      return;
    }
    const plus = target.closest("table.diff td > a");
    if (plus) {
      const m = /[?&]line=([^&#]*)/.exec(plus.getAttribute("href"));
      const parts = m ? decodeURIComponent(m[1]).split(":") : [];
      if (parts.length < 3) return;
      event.preventDefault();
      const line = parts.pop(), side = parts.pop(), path = parts.join(":");
      const row = plus.closest("tr");
      openForm((form) => {
        let thread = row.nextElementSibling;
        if (!thread || !thread.classList.contains("thread-row")) {
          thread = document.createElement("tr");
          thread.className = "thread-row";
          const cell = thread.insertCell();
          cell.colSpan = row.closest("table").classList.contains("split") ? 4 : 3;
          row.after(thread);
        }
        thread.cells[0].append(form);
      }, { Path: path, Side: side, Line: line, InReplyTo: "" }, `Comment on line ${side}${line}`);
      return;
    }
    const reply = target.closest(".thread-reply");
    if (reply) {
      const m = /[?&]reply=(\d+)/.exec(reply.getAttribute("href"));
      if (!m) return;
      event.preventDefault();
      openForm((form) => { reply.hidden = true; reply.after(form); }, { Path: "", Side: "", Line: "", InReplyTo: m[1] }, "Reply");
    }
  });
})();
