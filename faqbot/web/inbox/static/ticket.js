/* faqbot ticket page: new turns of the conversation arrive by themselves (a conditional GET
 * every few seconds), a note when someone else changed the ticket; the composer inserts canned
 * replies and FAQ answers where the cursor is, shows the server-rendered preview as you type,
 * keeps the draft across reloads of this tab, and sends with Ctrl+Enter.
 */
(function () {
  "use strict";

  const thread = document.querySelector("ol.thread[data-live]");
  const form = document.querySelector("form[data-composer]");
  const logic = document.querySelector("script[data-summary]");
  const every = Math.max(1, parseFloat((logic && logic.dataset.poll) || "3")) * 1000;

  // ---- live turns -----------------------------------------------------------------------
  let etag = null;
  let failures = 0;

  function later() {
    const wait = document.hidden ? every * 5 : every;
    setTimeout(poll, Math.min(wait * Math.pow(2, failures), 60000));
  }

  function poll() {
    const url = thread.dataset.live + "?after=" + thread.dataset.last + "&visible=" + (document.hidden ? "0" : "1");
    fetch(url, { headers: etag ? { "If-None-Match": etag } : {}, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 401 || response.status === 404 || response.redirected) {
          return false;
        }
        failures = 0;
        if (response.status === 304) {
          return true;
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        etag = response.headers.get("ETag");
        return response.json().then(function (update) {
          apply(update);
          return true;
        });
      })
      .then(function (goOn) {
        if (goOn) {
          later();
        }
      })
      .catch(function () {
        failures = Math.min(failures + 1, 5);
        later();
      });
  }

  function apply(update) {
    if (update.new) {
      thread.insertAdjacentHTML("beforeend", update.html);
      thread.dataset.last = String(update.last);
      const said = document.querySelector("[data-thread-announce]");
      if (said) {
        said.textContent = update.visitor ? "The visitor wrote again." : "A new reply was added.";
      }
    }
    if (update.state !== thread.dataset.state) {
      document.querySelector("[data-changed]").hidden = false;
    }
  }

  // ---- composer -------------------------------------------------------------------------
  const text = document.getElementById("reply-text");
  const draftKey = "faqbot.draft." + location.pathname;

  function csrf() {
    return form.querySelector("input[name=csrf_token]").value;
  }

  function insert(addition) {
    const start = text.selectionStart;
    const end = text.selectionEnd;
    const before = text.value.slice(0, start).replace(/\s+$/, "");
    const after = text.value.slice(end).replace(/^\s+/, "");
    const glue = before ? "\n\n" : "";
    text.value = before + glue + addition + (after ? "\n\n" + after : "");
    const caret = (before + glue + addition).length;
    text.focus();
    text.setSelectionRange(caret, caret);
    text.dispatchEvent(new Event("input"));
  }

  function fetchJson(url, options) {
    return fetch(url, Object.assign({ credentials: "same-origin" }, options)).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    });
  }

  function insertChosen(kind) {
    const select = kind === "canned" ? form.querySelector("#canned-pick") : form.querySelector("#insert-faq");
    if (!select.value) {
      (select.faqPicker ? select.faqPicker.input : select).focus();
      return;
    }
    const base = kind === "canned" ? form.dataset.cannedUrl : form.dataset.faqUrl;
    fetchJson(base + "/" + encodeURIComponent(select.value)).then(function (item) {
      insert(kind === "canned" ? item.body : item.answer);
    });
  }

  const preview = form && form.querySelector("[data-preview]");
  const previewBody = form && form.querySelector("[data-preview-body]");
  let previewTimer = null;

  function renderPreview() {
    fetchJson(form.dataset.previewUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ text: text.value }),
    }).then(function (body) {
      previewBody.innerHTML = body.html; // rendered and escaped by the server (markdown-it-py)
    });
  }

  function setUpComposer() {
    const toggle = form.querySelector("[data-preview-toggle]");
    toggle.setAttribute("aria-expanded", String(!preview.hidden));
    toggle.setAttribute("aria-controls", "reply-preview");
    preview.id = "reply-preview";
    try {
      const saved = sessionStorage.getItem(draftKey);
      if (saved && !text.value) {
        text.value = saved;
      }
    } catch (error) {
      /* storage off: no draft keeping */
    }
    form.addEventListener("click", function (event) {
      const button = event.target.closest("button[data-insert], button[data-preview-toggle]");
      if (!button) {
        return;
      }
      event.preventDefault();
      if (button.dataset.insert) {
        insertChosen(button.dataset.insert);
      } else {
        preview.hidden = !preview.hidden;
        button.setAttribute("aria-expanded", String(!preview.hidden));
        button.textContent = preview.hidden ? "Preview" : "Hide preview";
        if (!preview.hidden) {
          renderPreview();
        }
      }
    });
    text.addEventListener("input", function () {
      try {
        sessionStorage.setItem(draftKey, text.value);
      } catch (error) {
        /* storage off */
      }
      if (!preview.hidden) {
        clearTimeout(previewTimer);
        previewTimer = setTimeout(renderPreview, 250);
      }
    });
    text.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.querySelector("button[name=do][value=send]").click();
      } else if (event.key === "Escape") {
        text.blur();
      }
    });
    form.addEventListener("submit", function (event) {
      const sending = !event.submitter || event.submitter.value === "send";
      if (sending) {
        try {
          sessionStorage.removeItem(draftKey);
        } catch (error) {
          /* storage off */
        }
      }
    });
  }

  if (form && text) {
    setUpComposer();
  }
  if (thread) {
    later();
  }
})();
