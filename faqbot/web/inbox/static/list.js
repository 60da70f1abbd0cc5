/* faqbot inbox list: the results swap in by themselves when something changes (a conditional
 * GET of /inbox/live every few seconds), keeping the person's selection and cursor; bulk
 * selection ("select all", how many are selected, what Dismiss will close).
 */
(function () {
  "use strict";

  const region = document.getElementById("inbox-results");
  const announce = document.querySelector("[data-live-announce]");
  const logic = document.querySelector("script[data-summary]");
  const every = Math.max(1, parseFloat((logic && logic.dataset.poll) || "3")) * 1000;
  let etag = null;
  let failures = 0;

  function ids(selector) {
    return Array.from(region.querySelectorAll(selector)).map(function (node) {
      return node.closest("tr").dataset.ticket;
    });
  }

  function busy() {
    // Never pull the table from under someone choosing an action on it.
    const focus = document.activeElement;
    return Boolean(region.querySelector("details[open]")) ||
      (focus && region.contains(focus) && focus.matches("select, input[type=text]"));
  }

  function swap(html) {
    const checked = ids("input[name=ticket_ids]:checked");
    const before = ids("tr[data-ticket] td.pick");
    const focusedId = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest("tr[data-ticket]");
    region.innerHTML = html;
    checked.forEach(function (id) {
      const box = region.querySelector("#pick-" + id);
      if (box) {
        box.checked = true;
      }
    });
    const arrived = ids("tr[data-ticket] td.pick").filter(function (id) { return before.indexOf(id) < 0; });
    arrived.forEach(function (id) {
      region.querySelector("tr[data-ticket='" + id + "']").classList.add("arrived");
    });
    if (arrived.length && announce) {
      announce.textContent = arrived.length === 1 ? "1 new ticket in this view" : arrived.length + " new tickets in this view";
    }
    if (focusedId) {
      const link = region.querySelector("tr[data-ticket='" + focusedId.dataset.ticket + "'] a[data-open]");
      if (link) {
        link.focus();
      }
    }
    document.dispatchEvent(new CustomEvent("faqbot:list-swapped"));
    updateSelection();
  }

  function poll() {
    if (busy()) {
      return later();
    }
    fetch(region.dataset.live, { headers: etag ? { "If-None-Match": etag } : {}, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 401 || response.redirected) {
          return false;
        }
        failures = 0;
        if (response.status === 304) {
          return true;
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        const tag = response.headers.get("ETag");
        return response.text().then(function (html) {
          if (busy()) {
            return true; // keep the old ETag: the next poll brings it again
          }
          etag = tag;
          swap(html);
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

  function later() {
    const wait = document.hidden ? every * 5 : every;
    setTimeout(poll, Math.min(wait * Math.pow(2, failures), 60000));
  }

  function updateSelection() {
    const boxes = Array.from(region.querySelectorAll("input[name=ticket_ids]"));
    const chosen = boxes.filter(function (box) { return box.checked; }).length;
    const all = region.querySelector("[data-select-all]");
    const count = region.querySelector("[data-selected-count]");
    if (all) {
      all.checked = chosen > 0 && chosen === boxes.length;
      all.indeterminate = chosen > 0 && chosen < boxes.length;
    }
    if (count) {
      count.textContent = chosen ? chosen + " selected" : "Select all";
    }
    const question = region.querySelector("[data-dismiss-question]");
    if (question) {
      question.textContent = chosen
        ? "Dismiss " + chosen + (chosen === 1 ? " ticket" : " tickets") + "? They are closed and the bot learns nothing from them."
        : "Select the tickets to dismiss first.";
    }
    region.querySelectorAll(".bulk-bar button[name=action]").forEach(function (button) {
      button.disabled = chosen === 0;
    });
  }

  region.addEventListener("change", function (event) {
    if (event.target.matches("[data-select-all]")) {
      region.querySelectorAll("input[name=ticket_ids]").forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
    if (event.target.matches("[data-select-all], input[name=ticket_ids]")) {
      updateSelection();
    }
  });

  if (region && region.dataset.live) {
    updateSelection();
    later();
  }
})();
