/* faqbot FAQ picker: every <select data-faq-picker> becomes a combobox (WAI-ARIA 1.2 combobox
 * with a listbox popup) that filters the FAQs by the words typed: each word must start a word
 * of the FAQ's question, topic or phrasings ("refund" finds "money back" FAQs whose phrasings
 * say refund).  The <select> stays in the form, hidden, and is what gets submitted; without
 * JavaScript it is the picker.
 */
(function () {
  "use strict";

  const MAX_SHOWN = 60;

  function fold(text) {
    return String(text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function words(text) {
    return fold(text).split(/[^a-z0-9]+/).filter(Boolean);
  }

  function entriesOf(select) {
    // An FAQ the bot suggested is listed once, where its score shows, and found by the words
    // of both its options (the "All FAQs" one carries the phrasings).
    const byValue = {};
    const entries = [];
    Array.from(select.options).forEach(function (option) {
      if (!option.value) {
        return;
      }
      const group = option.parentElement.tagName === "OPTGROUP" ? option.parentElement.label : "";
      const found = words(option.textContent + " " + (option.dataset.words || ""));
      const known = byValue[option.value];
      if (known) {
        known.words = known.words.concat(found);
        return;
      }
      byValue[option.value] = {
        value: option.value,
        label: option.textContent.trim(),
        suggested: /suggestion/i.test(group),
        words: found,
      };
      entries.push(byValue[option.value]);
    });
    return entries;
  }

  function matching(entries, query) {
    const wanted = words(query);
    if (!wanted.length) {
      return entries;
    }
    return entries.filter(function (entry) {
      return wanted.every(function (word) {
        return entry.words.some(function (have) { return have.indexOf(word) === 0; });
      });
    });
  }

  function make(tag, attrs) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    return node;
  }

  function enhance(select) {
    const entries = entriesOf(select);
    const label = document.querySelector("label[for='" + select.id + "']");
    const input = make("input", {
      type: "text",
      id: select.id + "-search",
      role: "combobox",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": select.id + "-options",
      autocomplete: "off",
      spellcheck: "false",
      placeholder: "Search FAQs by words…",
      class: "picker-input",
    });
    const list = make("ul", { id: select.id + "-options", role: "listbox", class: "picker-list" });
    const empty = make("p", { class: "picker-empty" });
    const status = make("p", { class: "visually-hidden", role: "status" });
    const box = make("div", { class: "picker" });
    list.hidden = true;
    empty.hidden = true;
    empty.textContent = "No FAQ has all these words. Try fewer or other words.";
    if (label) {
      label.htmlFor = input.id;
      list.setAttribute("aria-label", label.textContent.trim());
      select.setAttribute("aria-label", label.textContent.trim()); // hidden, but still named
    }
    input.required = select.required;
    select.required = false;
    select.hidden = true;
    select.tabIndex = -1;
    select.setAttribute("aria-hidden", "true");
    box.append(input, list, empty, status);
    select.before(box);

    let shown = [];
    let active = -1;

    function render() {
      shown = matching(entries, input.value);
      list.replaceChildren.apply(
        list,
        shown.slice(0, MAX_SHOWN).map(function (entry, i) {
          const item = make("li", { role: "option", id: select.id + "-option-" + i, "aria-selected": "false" });
          item.textContent = entry.label;
          if (entry.suggested) {
            item.classList.add("suggested");
          }
          item.addEventListener("mousedown", function (event) {
            event.preventDefault(); // keep the focus in the input
            choose(entry);
          });
          return item;
        })
      );
      const count = shown.length;
      status.textContent = count === 1 ? "1 FAQ matches" : count + " FAQs match";
      empty.hidden = count > 0;
      setActive(count ? 0 : -1);
    }

    function open() {
      render();
      list.hidden = shown.length === 0;
      input.setAttribute("aria-expanded", String(!list.hidden));
    }

    function close() {
      list.hidden = true;
      empty.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function setActive(index) {
      const items = list.children;
      if (active >= 0 && items[active]) {
        items[active].setAttribute("aria-selected", "false");
      }
      active = index;
      if (active >= 0 && items[active]) {
        items[active].setAttribute("aria-selected", "true");
        items[active].scrollIntoView({ block: "nearest" });
        input.setAttribute("aria-activedescendant", items[active].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(entry) {
      select.value = entry.value;
      input.value = entry.label;
      input.setCustomValidity("");
      select.dispatchEvent(new Event("change", { bubbles: true }));
      close();
    }

    input.addEventListener("input", function () {
      select.value = "";
      input.setCustomValidity(input.value.trim() ? "Choose an FAQ from the list." : "");
      open();
    });
    input.addEventListener("focus", open);
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      const count = Math.min(shown.length, MAX_SHOWN);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) {
          open();
        } else if (count) {
          const step = event.key === "ArrowDown" ? 1 : -1;
          setActive((active + step + count) % count);
        }
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          choose(shown[active]);
        } else if (!select.value) {
          event.preventDefault(); // typing, not submitting
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          event.stopPropagation();
          close();
        }
      }
    });
    select.form && select.form.addEventListener("reset", function () {
      input.value = "";
    });
    select.faqPicker = { input: input, choose: choose };
  }

  document.querySelectorAll("select[data-faq-picker]").forEach(enhance);
})();
