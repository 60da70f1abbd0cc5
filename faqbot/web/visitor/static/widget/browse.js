/* faqbot chat widget, the Browse view: popular questions, topics, and search as you type, read
 * from the public GET /api/v1/faqs (only the FAQs the help center publishes).
 *
 * The server bundles this file with widget.js (see widget.py): it registers itself in
 * `faqbotModules`, and widget.js calls init() with its helpers once the panel is built.  The
 * panel then has two tabs, Chat (the conversation, as before) and Browse.  Text is only ever
 * inserted as text nodes; answers go through the widget's safe Markdown renderer.
 */
(function () {
  var DEBOUNCE_MS = 250; // wait for a pause in typing before searching
  var MIN_SEARCH = 2; // characters
  var POPULAR = 6;
  var PAGE = 20;
  var RESULTS = 10;
  var CACHE_MS = 60000; // the server's responses may be a minute old as well
  var TEXT = {
    tabs: "Help views",
    chat: "Chat",
    browse: "Browse",
    search: "Search answers",
    placeholder: "Search answers…",
    popular: "Popular questions",
    topics: "Topics",
    loading: "Loading…",
    results: "Answers",
    closest: "No exact match. The closest answers:",
    back: "Back",
    more: "Show more",
    helpCenter: "Open in the help center",
    allAnswers: "All answers in the help center",
    askChat: "Ask in the chat",
    stillNeed: "Still need help?",
    none: function (q) {
      return "No answers match “" + q + "”. Try other words, or ask us in the chat.";
    },
    found: function (n, q) {
      return n + (n === 1 ? " answer" : " answers") + " for “" + q + "”";
    },
    count: function (n) {
      return n + (n === 1 ? " question" : " questions");
    },
  };

  function init(kit) {
    var el = kit.el;
    var ui = kit.ui;
    var current = "chat";
    var loaded = false;
    var sequence = 0; // answers to older requests are dropped
    var timer = null;
    var cache = {};
    var trail = []; // views to go back to: { show: function, focus: CSS selector of what to focus }
    var currentView = null; // shows the list on screen again (home, a topic, results)
    var pendingFocus = null; // what to focus once the list it is in is back on screen

    // ---- tabs: Chat and Browse ---------------------------------------------------------

    var tabs = {
      chat: tab("chat", TEXT.chat, true),
      browse: tab("browse", TEXT.browse, false),
    };
    var tablist = el("div", { class: "tabs", role: "tablist", "aria-label": TEXT.tabs, onkeydown: moveBetweenTabs }, [
      tabs.chat,
      tabs.browse,
    ]);
    var composer = ui.panel.querySelector(".composer");
    var chatView = el("div", {
      class: "view chat-view",
      id: "faqbot-view-chat",
      role: "tabpanel",
      "aria-labelledby": "faqbot-tab-chat",
    });
    ui.panel.insertBefore(chatView, ui.scroller);
    chatView.append(ui.scroller, composer);
    ui.panel.insertBefore(tablist, chatView);

    var input = el("input", {
      type: "search",
      id: "faqbot-browse-q",
      class: "browse-search",
      placeholder: TEXT.placeholder,
      autocomplete: "off",
      spellcheck: "false",
      maxlength: String(kit.config.maxLength || 500),
      oninput: typed,
      onkeydown: searchKeys,
    });
    var status = el("p", { class: "browse-status", role: "status", "aria-live": "polite" });
    var body = el("div", { class: "browse-body" });
    var browseView = el("div", {
      class: "view browse-view",
      id: "faqbot-view-browse",
      role: "tabpanel",
      "aria-labelledby": "faqbot-tab-browse",
      hidden: true,
    }, [
      el("div", { class: "browse-bar", role: "search" }, [
        el("label", { for: "faqbot-browse-q", class: "sr-only", text: TEXT.search }),
        input,
      ]),
      status,
      body,
    ]);
    chatView.after(browseView);

    ui.showChat = function () {
      if (current !== "chat") {
        select("chat", false);
      }
    };
    ui.focusOnOpen = function () {
      (current === "chat" ? ui.input : input).focus();
    };

    function tab(name, label, selected) {
      return el("button", {
        type: "button",
        class: "tab",
        role: "tab",
        id: "faqbot-tab-" + name,
        "aria-controls": "faqbot-view-" + name,
        "aria-selected": selected ? "true" : "false",
        tabindex: selected ? "0" : "-1",
        text: label,
        onclick: function () {
          select(name, false);
        },
      });
    }

    function select(name, focusTab) {
      current = name;
      Object.keys(tabs).forEach(function (key) {
        tabs[key].setAttribute("aria-selected", key === name ? "true" : "false");
        tabs[key].tabIndex = key === name ? 0 : -1;
      });
      chatView.hidden = name !== "chat";
      browseView.hidden = name !== "browse";
      if (name === "browse" && !loaded) {
        loaded = true;
        showHome();
      }
      if (focusTab) {
        tabs[name].focus();
      }
    }

    function moveBetweenTabs(event) {
      var order = ["chat", "browse"];
      var index = order.indexOf(current);
      var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: order.length - 1 }[event.key];
      if (next === undefined) {
        return;
      }
      event.preventDefault();
      select(order[(next + order.length) % order.length], true);
    }

    // ---- search as you type -------------------------------------------------------------

    function typed() {
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q) {
        showHome();
      } else if (q.length >= MIN_SEARCH) {
        timer = setTimeout(function () {
          showResults(q);
        }, DEBOUNCE_MS);
      }
    }

    function searchKeys(event) {
      if (event.key === "Escape" && input.value) {
        event.preventDefault();
        event.stopPropagation(); // clears the search; a second Escape closes the panel
        input.value = "";
        showHome();
      } else if (event.key === "Enter") {
        event.preventDefault();
        clearTimeout(timer);
        if (input.value.trim()) {
          showResults(input.value.trim());
        }
      }
    }

    // ---- loading --------------------------------------------------------------------------

    function load(path) {
      var hit = cache[path];
      if (!hit || Date.now() - hit.at > CACHE_MS) {
        hit = { at: Date.now(), data: kit.request("GET", path) };
        hit.data.catch(function () {
          delete cache[path]; // a failure is not remembered
        });
        cache[path] = hit;
      }
      return hit.data;
    }

    function fetchInto(path, render, retry) {
      var mine = ++sequence;
      status.textContent = "";
      if (!body.firstChild) {
        body.append(el("p", { class: "muted", text: TEXT.loading }));
      }
      body.setAttribute("aria-busy", "true");
      load(path).then(function (data) {
        if (mine === sequence) {
          body.removeAttribute("aria-busy");
          render(data);
          focusPending();
        }
      }, function (failure) {
        if (mine === sequence) {
          body.removeAttribute("aria-busy");
          showFailure(failure, retry);
        }
      });
    }

    function showFailure(failure, retry) {
      var note = el("div", { class: "message bot failure" }, [el("p", { text: kit.failureText(failure) })]);
      if (kit.retryable(failure)) {
        note.append(kit.button(kit.text.retry, retry));
      }
      body.replaceChildren(note);
    }

    // ---- the views --------------------------------------------------------------------------

    function focusPending() {
      var item = pendingFocus && body.querySelector(pendingFocus);
      pendingFocus = null;
      if (item) {
        item.focus();
      }
    }

    function showHome() {
      trail = [];
      currentView = showHome;
      fetchInto("/api/v1/faqs?limit=" + POPULAR, function (data) {
        var sections = [section(TEXT.popular, faqList(data.faqs, []), "popular")];
        if (data.categories.length) {
          sections.push(section(TEXT.topics, topicList(data.categories), "topics"));
        }
        if (kit.config.helpCenter) {
          sections.push(el("p", { class: "browse-link" }, [
            el("a", { href: kit.config.helpCenter, target: "_blank", rel: "noopener noreferrer", text: TEXT.allAnswers }),
          ]));
        }
        body.replaceChildren.apply(body, sections);
      }, showHome);
    }

    function showCategory(group) {
      var mine = ++sequence;
      var list = el("ul", { class: "browse-list" });
      var more = kit.button(TEXT.more, null, "chip browse-more");
      currentView = function () {
        showCategory(group);
      };
      function page(offset) {
        var path = "/api/v1/faqs?category=" + encodeURIComponent(group.label) + "&limit=" + PAGE + "&offset=" + offset;
        load(path).then(function (data) {
          if (mine !== sequence) {
            return;
          }
          data.faqs.forEach(function (faq) {
            list.append(faqItem(faq, []));
          });
          more.hidden = data.next_offset === null;
          more.onclick = function () {
            page(data.next_offset);
          };
          focusPending();
        }, function (failure) {
          if (mine === sequence) {
            showFailure(failure, currentView);
          }
        });
      }
      var heading = el("h3", { class: "browse-title", tabindex: "-1", text: group.label });
      status.textContent = "";
      body.replaceChildren(backButton(), heading, el("p", { class: "muted", text: TEXT.count(group.count) }), list, more);
      more.hidden = true;
      heading.focus();
      page(0);
    }

    function showResults(q) {
      trail = [];
      currentView = function () {
        showResults(q);
      };
      fetchInto("/api/v1/faqs?q=" + encodeURIComponent(q) + "&limit=" + RESULTS, function (data) {
        var words = (q.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) || []);
        if (!data.faqs.length) {
          status.textContent = TEXT.none(q);
          body.replaceChildren(el("p", { text: TEXT.none(q) }), kit.button(TEXT.askChat, function () {
            askInChat(q);
          }));
          return;
        }
        var sure = data.faqs.some(function (faq) {
          return faq.match === "words";
        }) || data.status === "answered" || data.status === "suggested";
        status.textContent = TEXT.found(data.total, q);
        body.replaceChildren(section(sure ? TEXT.results : TEXT.closest, faqList(data.faqs, words), "results"));
      }, function () {
        showResults(q);
      });
    }

    function showFaq(faq) {
      ++sequence; // a list still loading must not replace the answer
      trail.push({ show: currentView, focus: "[data-faq-id='" + CSS.escape(faq.id) + "']" });
      status.textContent = "";
      var heading = el("h3", { class: "browse-question", tabindex: "-1", text: faq.question });
      var actions = el("div", { class: "browse-actions" }, [
        faq.url ? el("a", { href: faq.url, target: "_blank", rel: "noopener noreferrer", text: TEXT.helpCenter }) : null,
      ]);
      var still = el("div", { class: "browse-still" }, [
        el("p", { text: TEXT.stillNeed }),
        kit.button(TEXT.askChat, function () {
          askInChat("");
        }),
      ]);
      body.replaceChildren(
        backButton(),
        el("article", { class: "browse-faq", "aria-labelledby": "faqbot-browse-faq" }, [
          heading,
          el("div", { class: "answer" }, [kit.renderMarkdown(faq.answer)]),
          actions,
        ]),
        still
      );
      heading.id = "faqbot-browse-faq";
      body.scrollTop = 0;
      heading.focus();
    }

    function backButton() {
      return el("button", { type: "button", class: "link-button browse-back", onclick: goBack }, [
        el("span", { "aria-hidden": "true", text: "‹ " }),
        TEXT.back,
      ]);
    }

    function goBack() {
      var previous = trail.pop() || { show: showHome };
      pendingFocus = previous.focus || null;
      previous.show();
    }

    function askInChat(question) {
      select("chat", false);
      if (question && !ui.input.value.trim()) {
        ui.input.value = question;
      }
      ui.input.focus();
    }

    // ---- pieces -----------------------------------------------------------------------------

    function section(title, content, id) {
      var heading = el("h3", { id: "faqbot-browse-" + id, text: title });
      return el("section", { class: "browse-section", "aria-labelledby": heading.id }, [heading, content]);
    }

    function faqList(faqs, words) {
      return el("ul", { class: "browse-list" }, faqs.map(function (faq) {
        return faqItem(faq, words);
      }));
    }

    function faqItem(faq, words) {
      var item = el("button", {
        type: "button",
        class: "browse-item",
        "data-faq-id": faq.id,
        onclick: function () {
          showFaq(faq);
        },
      }, [marked(faq.question, words)]);
      return el("li", {}, [item]);
    }

    function topicList(groups) {
      return el("ul", { class: "browse-list" }, groups.map(function (group) {
        return el("li", {}, [el("button", {
          type: "button",
          class: "browse-topic",
          "data-topic": group.label,
          onclick: function () {
            trail.push({ show: currentView, focus: "[data-topic='" + CSS.escape(group.label) + "']" });
            showCategory(group);
          },
        }, [el("span", { text: group.label }), el("span", { class: "count", text: TEXT.count(group.count) })])]);
      }));
    }

    // The question with the words searched for marked, built from text nodes.
    function marked(text, words) {
      var span = el("span");
      if (!words.length) {
        span.textContent = text;
        return span;
      }
      var pattern = new RegExp("(" + words.map(escapeRegExp).join("|") + ")", "giu");
      var last = 0;
      var match;
      while ((match = pattern.exec(text))) {
        span.append(text.slice(last, match.index), el("mark", { text: match[0] }));
        last = pattern.lastIndex;
      }
      span.append(text.slice(last));
      return span;
    }

    function escapeRegExp(text) {
      return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
  }

  var STYLES = [
    ".tabs { display: flex; gap: 4px; padding: 4px 8px 0; background: #fff; border-bottom: 1px solid #e5e7eb; }",
    ".tab { flex: 1; padding: 8px 10px 6px; border: 0; border-bottom: 3px solid transparent; background: none;",
    "  color: #4b5563; font-size: 14px; font-weight: 600; cursor: pointer; }",
    ".tab[aria-selected='true'] { color: #111827; border-bottom-color: var(--fb-focus); }",
    ".tab:hover { color: #111827; }",
    ".view { flex: 1; min-height: 0; display: flex; flex-direction: column; }",
    ".browse-bar { padding: 10px 12px; background: #fff; border-bottom: 1px solid #e5e7eb; }",
    ".browse-search { width: 100%; padding: 8px 10px; border: 1px solid #6b7280; border-radius: 8px;",
    "  color: #111827; background: #fff; font-size: 16px; }",
    ".browse-status { margin: 0; padding: 6px 12px 0; color: #4b5563; font-size: 13px; background: #f9fafb; }",
    ".browse-status:empty { padding: 0; }",
    ".browse-body { flex: 1; overflow-y: auto; padding: 4px 12px 12px; background: #f9fafb; }",
    ".browse-section h3, .browse-title { margin: 12px 0 6px; font-size: 12px; letter-spacing: .04em;",
    "  text-transform: uppercase; color: #4b5563; }",
    ".browse-title { font-size: 16px; letter-spacing: 0; text-transform: none; color: #111827; margin-top: 4px; }",
    ".browse-list { list-style: none; margin: 0; padding: 0; }",
    ".browse-list li { margin: 4px 0; }",
    ".browse-item, .browse-topic { display: flex; width: 100%; gap: 8px; justify-content: space-between;",
    "  align-items: baseline; padding: 8px 10px; border: 1px solid #d1d5db; border-radius: 8px;",
    "  background: #fff; color: #111827; text-align: left; cursor: pointer; }",
    ".browse-item:hover, .browse-topic:hover { border-color: var(--fb-accent); }",
    ".browse-topic span:first-child { font-weight: 600; }",
    ".browse-topic .count { color: #4b5563; font-size: 13px; white-space: nowrap; }",
    ".browse-back { margin: 8px 0 2px; font-size: 14px; }",
    ".browse-more { margin-top: 6px; }",
    ".browse-faq { margin-top: 6px; padding: 12px; background: #fff; border: 1px solid #e5e7eb;",
    "  border-radius: 12px; overflow-wrap: anywhere; }",
    ".browse-question { margin: 0 0 8px; font-size: 17px; line-height: 1.3; color: #111827; }",
    ".browse-question:focus { outline: none; }",
    ".browse-title:focus { outline: none; }",
    ".browse-actions { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 10px; font-size: 14px; }",
    ".browse-actions:empty { display: none; }",
    ".browse-still { margin-top: 12px; }",
    ".browse-link { margin: 12px 0 0; font-size: 14px; }",
    ".browse-still p { margin: 0 0 6px; font-weight: 600; }",
    "mark { background: #fef08a; color: inherit; border-radius: 2px; }",
  ].join("\n");

  faqbotModules.push({ styles: STYLES, init: init });
})();
