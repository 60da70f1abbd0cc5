/* faqbot inbox keyboard shortcuts (listed in the dialog that "?" opens; see _shortcuts.html).
 * Keys act only when no text field has the focus, and never with Ctrl, Alt or Meta held.
 */
(function () {
  "use strict";

  const dialog = document.getElementById("shortcuts");
  const results = document.getElementById("inbox-results");

  function openHelp() {
    if (dialog && !dialog.open) {
      dialog.showModal();
    }
  }

  document.querySelectorAll("[data-shortcuts-open]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", openHelp);
  });

  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable='true']");
  }

  function click(selector) {
    const target = document.querySelector(selector);
    if (target) {
      target.click();
    }
    return Boolean(target);
  }

  function askToDismiss(panel) {
    // Open the "asks first" panel and put the focus on its real button: Enter confirms.
    if (!panel) {
      return;
    }
    panel.open = true;
    const yes = panel.querySelector("button");
    if (yes) {
      yes.focus();
    }
  }

  // ---- list ------------------------------------------------------------------------------
  let cursor = null; // ticket id under the cursor; survives the live swaps

  function rows() {
    return Array.from(results.querySelectorAll("tr[data-ticket]"));
  }

  function showCursor(focus) {
    rows().forEach(function (row) {
      row.classList.toggle("cursor", row.dataset.ticket === cursor);
    });
    const row = results.querySelector("tr[data-ticket='" + cursor + "']");
    if (row && focus) {
      row.querySelector("a[data-open]").focus();
    }
    return row;
  }

  function move(step) {
    const all = rows();
    if (!all.length) {
      return;
    }
    const at = all.findIndex(function (row) { return row.dataset.ticket === cursor; });
    const next = at < 0 ? 0 : Math.max(0, Math.min(all.length - 1, at + step));
    cursor = all[next].dataset.ticket;
    showCursor(true);
  }

  function selectCursorIfNone() {
    if (!results.querySelector("input[name=ticket_ids]:checked") && cursor) {
      const box = results.querySelector("#pick-" + cursor);
      if (box) {
        box.checked = true;
        box.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    return Boolean(results.querySelector("input[name=ticket_ids]:checked"));
  }

  function onList(key) {
    const views = results.querySelectorAll("nav.views a");
    if (key === "j" || key === "k") {
      move(key === "j" ? 1 : -1);
    } else if (key === "o") {
      const row = showCursor(false);
      if (row) {
        row.querySelector("a[data-open]").click();
      }
    } else if (key === "x" && cursor) {
      const box = results.querySelector("#pick-" + cursor);
      if (box) {
        box.click();
      }
    } else if (key === "a") {
      if (selectCursorIfNone()) {
        click("#inbox-results button[name=action][value=assign_me]");
      }
    } else if (key === "e") {
      if (selectCursorIfNone()) {
        askToDismiss(results.querySelector("details.bulk-dismiss"));
      }
    } else if (/^[1-4]$/.test(key) && views[Number(key) - 1]) {
      views[Number(key) - 1].click();
    } else if (key === "/") {
      document.querySelector("[data-search]").focus();
    } else {
      return false;
    }
    return true;
  }

  // ---- ticket ----------------------------------------------------------------------------
  function onTicket(key) {
    if (key === "r") {
      const reply = document.getElementById("reply-text");
      if (reply) {
        reply.focus();
      }
    } else if (key === "a") {
      click("[data-key-assign]");
    } else if (key === "e") {
      askToDismiss(document.querySelector(".resolve details.confirm"));
    } else if (key === "l") {
      const link = document.getElementById("link-faq-search") || document.getElementById("link-faq");
      if (link) {
        link.focus();
      }
    } else if (key === "t") {
      const tags = document.getElementById("ticket-tags");
      if (tags) {
        tags.focus();
      }
    } else if (key === "j") {
      click("[data-key-next]");
    } else if (key === "k") {
      click("[data-key-prev]");
    } else if (key === "u") {
      click("[data-key-back]");
    } else {
      return false;
    }
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    if (dialog && dialog.open) {
      return; // the dialog handles Escape itself
    }
    let handled = false;
    if (event.key === "?") {
      openHelp();
      handled = true;
    } else if (results) {
      handled = onList(event.key);
    } else {
      handled = onTicket(event.key);
    }
    if (handled) {
      event.preventDefault();
    }
  });

  document.addEventListener("faqbot:list-swapped", function () {
    if (cursor) {
      showCursor(false);
    }
  });
})();
