/*! faqbot chat widget: one <script> tag, no framework, no build step.
 *
 *   <script src="https://HOST/widget.js" data-faqbot-api="https://HOST"
 *           data-title="Help" data-color="#2563eb" async></script>
 *
 * Optional: data-max-length (longest question; default: the service's OpenAPI when the page
 * is on the same origin, else 500), data-timeout (ms per request, default 15000),
 * data-poll-interval (first wait in ms between checks for a staff reply, default 3000).
 *
 * Everything lives in an open shadow root whose styles start from `:host { all: initial }`.
 * Text from visitors, FAQs and staff is only ever inserted with textContent / text nodes.
 * The one global is window.FaqBot = { open(), close(), version }.
 *
 * The site's name, logo and brand colour come from GET /api/v1/widget/config (data-title and
 * data-color, when given, win).  /widget.js is this file bundled with the optional parts in
 * widget/ (the Browse view), which register themselves in `faqbotModules` (see widget.py).
 */
(function () {
  "use strict";

  var VERSION = "1.0.0";
  if (window.FaqBot) {
    return; // included twice (or the page already owns the name): the first one wins
  }

  // Optional parts bundled around this file by the server (widget/*.js); none when served alone.
  var MODULES = typeof faqbotModules !== "undefined" ? faqbotModules : [];
  var REASONS = ["not what I asked", "did not answer it"];
  var MAX_STORED_MESSAGES = 80;
  var TEXT = {
    greeting: "Hi! Ask a question, or pick one of the popular questions below.",
    placeholder: "Type your question…",
    placeholderPerson: "Your question for our team…",
    busy: "Looking for an answer…",
    noTopics: "Popular questions are not available right now.",
    suggest: "Did you mean one of these?",
    none: "None of these: talk to a person",
    helpful: "Was this helpful?",
    why: "What went wrong?",
    thanks: "Thanks for your feedback!",
    person: "Tell us your question and someone from our team will answer it here.",
    handoff: "I passed your question to our team. They will answer here.",
    emailLabel: "Email (optional), to hear back by email",
    emailSaved: "Thanks! We will also email you at ",
    notify: "Notify me",
    staff: "Support team",
    tooLong: function (n, max) {
      return "Your question is too long (" + n + " characters). Please keep it to " + max + " or fewer.";
    },
    timeout: "The help service is taking too long to answer. Please try again.",
    down: "Sorry, we can't reach the help service right now. Please try again in a moment.",
    busyServer: "You are sending questions faster than we can answer. Please wait a moment, then try again.",
    retry: "Try again",
  };

  // ---- configuration -------------------------------------------------------------------

  function findScript() {
    if (document.currentScript) {
      return document.currentScript;
    }
    var tags = document.querySelectorAll("script[data-faqbot-api], script[src*='widget.js']");
    return tags[tags.length - 1] || null;
  }

  function positiveInt(value) {
    var n = parseInt(value, 10);
    return n > 0 ? n : null;
  }

  function normalizeColor(value) {
    // The canvas turns any CSS colour into "#rrggbb" or "rgba(...)" and ignores anything else,
    // so what reaches the style sheet is a plain colour whatever the attribute held.
    var context = document.createElement("canvas").getContext("2d");
    context.fillStyle = "#010203";
    context.fillStyle = String(value || "");
    var result = context.fillStyle;
    return result === "#010203" && !/^\s*#010203\s*$/i.test(value || "") ? null : result;
  }

  function apiBase(value, fallback) {
    try {
      return new URL(value || fallback, location.href).href.replace(/\/+$/, "");
    } catch (error) {
      return fallback; // not a URL: assume the service that served this script
    }
  }

  function readConfig(script) {
    var data = (script && script.dataset) || {};
    var origin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
    return {
      api: apiBase(data.faqbotApi, origin),
      title: (data.title || "Help").slice(0, 60),
      titleSet: Boolean(data.title),
      color: normalizeColor(data.color) || "#2563eb",
      colorSet: Boolean(normalizeColor(data.color)),
      logo: null,
      maxLength: positiveInt(data.maxLength),
      timeout: positiveInt(data.timeout) || 15000,
      pollMin: positiveInt(data.pollInterval) || 3000,
      pollMax: 60000,
    };
  }

  var config = readConfig(findScript());

  // ---- small DOM helpers: text goes in as text nodes, never parsed as HTML ------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (key === "text") {
        node.textContent = value;
      } else if (key.slice(0, 2) === "on") {
        node.addEventListener(key.slice(2), value);
      } else if (value !== null && value !== undefined && value !== false) {
        node.setAttribute(key, value === true ? "" : value);
      }
    });
    (children || []).forEach(function (child) {
      if (child) {
        node.append(child);
      }
    });
    return node;
  }

  function button(label, onClick, className) {
    return el("button", { type: "button", class: className || "chip", text: label, onclick: onClick });
  }

  // ---- safe Markdown subset: paragraphs, "- " / "* " and "1. " lists, **bold**, *emphasis*,
  // ---- [links](http…), and bare http(s) URLs (staff replies often contain one) ------------

  function renderMarkdown(text) {
    var fragment = document.createDocumentFragment();
    var list = null;
    var paragraph = null;
    String(text || "")
      .replace(/\r\n?/g, "\n")
      .split("\n")
      .forEach(function (raw) {
        var line = raw.trim();
        var item = /^(?:[-*+]|(\d{1,9})[.)]) +(.*)$/.exec(line);
        var kind = item && item[1] !== undefined ? "ol" : "ul";
        if (!line) {
          list = paragraph = null;
        } else if (item) {
          paragraph = null;
          if (!list || list.tagName.toLowerCase() !== kind) {
            list = fragment.appendChild(el(kind, kind === "ol" && item[1] !== "1" ? { start: item[1] } : {}));
          }
          renderInline(list.appendChild(el("li")), item[2]);
        } else {
          list = null;
          if (paragraph) {
            paragraph.append(el("br"));
          } else {
            paragraph = fragment.appendChild(el("p"));
          }
          renderInline(paragraph, line);
        }
      });
    return fragment;
  }

  function renderInline(parent, text) {
    var pattern = new RegExp(
      [
        /\[([^\]\n]+)\]\(([^)\s]+)\)/.source, // [label](url)
        /\*\*(.+?)\*\*/.source, // **bold**
        /\*([^*\s](?:[^*]*[^*\s])?)\*/.source, // *emphasis*
        /(https?:\/\/[^\s<>()]*[^\s<>().,;:!?'"])/.source, // a bare URL, minus trailing punctuation
      ].join("|"),
      "g"
    );
    var last = 0;
    var match;
    while ((match = pattern.exec(text))) {
      parent.append(text.slice(last, match.index));
      if (match[1] !== undefined) {
        parent.append(safeLink(match[1], match[2]));
      } else if (match[3] !== undefined) {
        renderInline(parent.appendChild(el("strong")), match[3]);
      } else if (match[5] !== undefined) {
        parent.append(safeLink(match[5], match[5]));
      } else {
        parent.append(el("em", { text: match[4] }));
      }
      last = pattern.lastIndex;
    }
    parent.append(text.slice(last));
    return parent;
  }

  function safeLink(label, href) {
    var url = null;
    try {
      url = new URL(href);
    } catch (error) {
      url = null;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
      return document.createTextNode(label);
    }
    return el("a", { href: url.href, target: "_blank", rel: "noopener noreferrer", text: label });
  }

  // ---- storage: conversation, session id and tickets survive a reload --------------------

  var storageKey = "faqbot:" + config.api;

  function randomId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  function loadState() {
    var saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(storageKey));
    } catch (error) {
      saved = null; // storage disabled or corrupt: start afresh
    }
    saved = saved && typeof saved === "object" ? saved : {};
    return {
      sessionId: typeof saved.sessionId === "string" ? saved.sessionId : randomId(),
      messages: Array.isArray(saved.messages) ? saved.messages : [],
      tickets: Array.isArray(saved.tickets) ? saved.tickets : [],
    };
  }

  var state = loadState();

  function persist() {
    state.messages = state.messages.slice(-MAX_STORED_MESSAGES);
    try {
      localStorage.setItem(storageKey, JSON.stringify(state));
    } catch (error) {
      // private mode or quota: the conversation simply does not survive a reload
    }
  }

  // ---- talking to the service ----------------------------------------------------------

  function ApiFailure(status, error, kind) {
    this.status = status;
    this.code = error && error.code;
    this.message = error && error.message;
    this.kind = kind || "http";
  }

  function request(method, path, body) {
    var controller = new AbortController();
    var timer = setTimeout(function () {
      controller.abort();
    }, config.timeout);
    var options = { method: method, credentials: "omit", signal: controller.signal, headers: {} };
    if (body) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(config.api + path, options)
      .then(function (response) {
        return response.json().then(
          function (data) {
            if (!response.ok) {
              throw new ApiFailure(response.status, data && data.error);
            }
            return data;
          },
          function () {
            throw new ApiFailure(response.status || 0, null, "http");
          }
        );
      })
      .catch(function (error) {
        if (error instanceof ApiFailure) {
          throw error;
        }
        throw new ApiFailure(0, null, error && error.name === "AbortError" ? "timeout" : "network");
      })
      .finally(function () {
        clearTimeout(timer);
      });
  }

  function failureText(failure) {
    if (failure.status === 429) {
      return TEXT.busyServer;
    }
    if (failure.kind === "timeout") {
      return TEXT.timeout;
    }
    if (failure.status >= 400 && failure.status < 500 && failure.message) {
      return failure.message;
    }
    if (failure.code === "not_configured" && failure.message) {
      return failure.message; // the site has no FAQs yet: retrying will not help
    }
    return TEXT.down;
  }

  function retryable(failure) {
    if (failure.code === "not_configured") {
      return false;
    }
    return failure.status === 0 || failure.status === 429 || failure.status >= 500;
  }

  function findMaxLength() {
    if (config.maxLength || new URL(config.api).origin !== location.origin) {
      return; // configured, or cross-origin: 500 unless data-max-length says otherwise
    }
    request("GET", "/api/v1/openapi.json").then(
      function (spec) {
        var schema = spec.components.schemas.AskRequest.properties.question;
        config.maxLength = positiveInt(schema.maxLength);
      },
      function () {}
    );
  }

  // ---- the user interface ----------------------------------------------------------------

  var ui = {};
  var faqsById = {};
  var busy = false;
  var personMode = false;

  function accentInk(color) {
    var hex = /^#([0-9a-f]{6})$/i.exec(color);
    if (!hex) {
      return { on: "#ffffff", link: "#1d4ed8", focus: "#1d4ed8" };
    }
    var rgb = [0, 2, 4].map(function (i) {
      var c = parseInt(hex[1].slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var luminance = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
    var whiteContrast = 1.05 / (luminance + 0.05);
    var inkContrast = (luminance + 0.05) / (0.0092 + 0.05); // on #111827; else black, which is darker
    return {
      on: whiteContrast >= 4.5 ? "#ffffff" : inkContrast >= 4.5 ? "#111827" : "#000000",
      link: whiteContrast >= 4.5 ? color : "#1d4ed8",
      focus: whiteContrast >= 3 ? color : "#111827", // focus rings need 3:1 against white
    };
  }

  function styleSheetText() {
    var ink = accentInk(config.color);
    var extra = MODULES.map(function (module) {
      return module.styles || "";
    }).join("\n");
    return (
      STYLES + "\n" + extra +
      "\n:host { --fb-accent: " + config.color + " !important; --fb-on-accent: " + ink.on +
      " !important; --fb-link: " + ink.link + " !important; --fb-focus: " + ink.focus + " !important; }"
    );
  }

  function applyStyles(root) {
    var css = styleSheetText();
    if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css); // not subject to the page's style-src CSP, unlike <style>
      root.adoptedStyleSheets = [sheet];
    } else {
      root.append(el("style", { text: css }));
    }
  }

  function buildLauncher() {
    return el("button", {
      type: "button",
      class: "launcher",
      "aria-expanded": "false",
      "aria-controls": "faqbot-panel",
      "aria-label": config.title,
      onclick: function () {
        if (ui.panel.hidden) {
          openPanel();
        } else {
          closePanel();
        }
      },
    }, [el("span", { class: "icon", "aria-hidden": "true", text: "?" }), el("span", { text: config.title })]);
  }

  function buildHeader() {
    ui.personButton = button("Talk to a person", startPersonMode, "header-button");
    var close = el("button", {
      type: "button",
      class: "header-button close",
      "aria-label": "Close chat",
      onclick: closePanel,
    }, [el("span", { "aria-hidden": "true", text: "×" })]);
    return el("div", { class: "header" }, [
      config.logo ? el("img", { class: "logo", src: config.logo, alt: "" }) : null,
      el("h2", { id: "faqbot-title", text: config.title }),
      ui.personButton,
      close,
    ]);
  }

  function buildForm() {
    ui.input = el("textarea", {
      id: "faqbot-question",
      rows: "2",
      placeholder: TEXT.placeholder,
      autocomplete: "off",
      onkeydown: function (event) {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          submitQuestion();
        }
      },
    });
    ui.formError = el("p", { class: "form-error", role: "alert" });
    ui.modeNote = el("p", { class: "mode-note", hidden: true }, [
      el("span", { text: "Your next message goes to our team. " }),
      button("Cancel", function () {
        setPersonMode(false);
      }, "link-button"),
    ]);
    ui.send = el("button", { type: "submit", class: "send", text: "Send" });
    return el("form", {
      class: "composer",
      onsubmit: function (event) {
        event.preventDefault();
        submitQuestion();
      },
    }, [
      ui.modeNote,
      el("label", { for: "faqbot-question", class: "sr-only", text: "Your question" }),
      el("div", { class: "row" }, [ui.input, ui.send]),
      ui.formError,
    ]);
  }

  function buildPanel() {
    ui.log = el("div", {
      class: "log",
      role: "log",
      "aria-live": "polite",
      "aria-label": "Conversation",
      tabindex: "0",
    });
    ui.topics = el("details", { class: "topics", open: true }, [
      el("summary", { text: "Popular questions" }),
      el("div", { class: "topic-list" }),
    ]);
    var intro = el("p", { class: "intro", text: TEXT.greeting });
    ui.scroller = el("div", { class: "scroller" }, [intro, ui.topics, ui.log]);
    return el("div", {
      id: "faqbot-panel",
      class: "panel",
      role: "dialog",
      "aria-labelledby": "faqbot-title",
      hidden: true,
    }, [buildHeader(), ui.scroller, buildForm()]);
  }

  function mount() {
    if (document.querySelector("faqbot-widget")) {
      return false;
    }
    var host = document.createElement("faqbot-widget");
    var root = host.attachShadow({ mode: "open" });
    applyStyles(root);
    ui.launcher = buildLauncher();
    ui.panel = buildPanel();
    ui.unread = el("span", { id: "faqbot-unread", hidden: true, text: "New reply from our team" });
    root.append(el("div", { class: "faqbot", lang: "en", onkeydown: closeOnEscape }, [
      ui.panel, ui.launcher, ui.unread,
    ]));
    document.body.appendChild(host);
    ui.host = host;
    MODULES.forEach(function (module) {
      if (module.init) {
        module.init(moduleKit());
      }
    });
    return true;
  }

  // What the optional parts (widget/*.js) may use; they keep their own state.
  function moduleKit() {
    return {
      config: config,
      ui: ui,
      text: TEXT,
      el: el,
      button: button,
      request: request,
      renderMarkdown: renderMarkdown,
      failureText: failureText,
      retryable: retryable,
      askQuestion: askQuestion,
    };
  }

  // ---- the site's look: name, logo and brand colour from the service ---------------------

  function loadSiteLook() {
    var late = false;
    var wait = new Promise(function (resolve) {
      setTimeout(function () {
        late = true; // the widget starts with its defaults; a late answer changes nothing
        resolve();
      }, Math.min(config.timeout, 3000)); // never hold the launcher back for long
    });
    var look = request("GET", "/api/v1/widget/config").then(function (site) {
      if (late) {
        return;
      }
      if (!config.colorSet && site.brand_color && normalizeColor(site.brand_color)) {
        config.color = normalizeColor(site.brand_color);
      }
      if (!config.titleSet && typeof site.title === "string" && site.title) {
        config.title = site.title.slice(0, 60);
      }
      if (typeof site.logo_url === "string" && /^https?:\/\//.test(site.logo_url)) {
        config.logo = site.logo_url;
      }
      config.helpCenter = typeof site.help_center_url === "string" ? site.help_center_url : null;
    }, function () {});
    return Promise.race([look, wait]);
  }

  // ---- opening and closing ---------------------------------------------------------------

  var topicsLoaded = false;

  function openPanel() {
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    ui.launcher.classList.remove("unread");
    ui.launcher.removeAttribute("aria-describedby");
    if (!topicsLoaded) {
      topicsLoaded = true;
      loadTopics();
    }
    if (state.messages.length) {
      scrollToEnd();
    }
    (ui.focusOnOpen || function () {
      ui.input.focus();
    })();
  }

  function closeOnEscape(event) {
    if (event.key === "Escape" && !ui.panel.hidden) {
      event.preventDefault();
      closePanel();
    }
  }

  function closePanel() {
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.focus();
  }

  function scrollToEnd() {
    ui.scroller.scrollTop = ui.scroller.scrollHeight;
  }

  // ---- popular questions -----------------------------------------------------------------

  function loadTopics() {
    var list = ui.topics.querySelector(".topic-list");
    request("GET", "/api/v1/faqs").then(
      function (data) {
        data.categories.forEach(function (category) {
          category.faqs.forEach(function (faq) {
            faqsById[faq.id] = faq; // every answer, for the "did you mean" choices
          });
        });
        list.replaceChildren.apply(list, data.categories.slice(0, 5).map(renderCategory));
      },
      function () {
        topicsLoaded = false; // try again next time the panel opens
        list.replaceChildren(el("p", { class: "muted", text: TEXT.noTopics }));
      }
    );
  }

  function renderCategory(category) {
    var items = category.faqs.slice(0, 3).map(function (faq) {
      return el("li", {}, [button(faq.question, function () {
        askQuestion(faq.question, { faqId: faq.id });
      }, "topic")]);
    });
    return el("section", { class: "category" }, [
      el("h3", { text: category.name || "General" }),
      el("ul", {}, items),
    ]);
  }

  // ---- the conversation ------------------------------------------------------------------

  function addMessage(message) {
    state.messages.push(message);
    persist();
    showMessage(message);
  }

  function showMessage(message) {
    var renderers = { visitor: renderVisitor, staff: renderStaff, answer: renderAnswer,
      suggest: renderSuggest, handoff: renderHandoff, note: renderNote, smalltalk: renderSmalltalk };
    var render = renderers[message.kind];
    if (render) {
      ui.log.append(render(message));
      ui.topics.open = false;
      scrollToEnd();
    }
  }

  function bubble(className, who, children) {
    var label = el("span", { class: "who", text: who });
    return el("div", { class: "message " + className }, [label].concat(children));
  }

  function renderVisitor(message) {
    return bubble("visitor", "You", [el("p", { text: message.text })]);
  }

  function renderStaff(message) {
    var who = message.name && message.name !== TEXT.staff ? message.name + " · " + TEXT.staff : TEXT.staff;
    return bubble("staff", who, [el("div", { class: "answer" }, [renderMarkdown(message.text)])]);
  }

  function renderNote(message) {
    return bubble("bot", "Assistant", [el("p", { text: message.text })]);
  }

  function renderAnswer(message) {
    return bubble("bot", "Assistant", [
      el("p", { class: "faq-question", text: message.faq.question }),
      el("div", { class: "answer" }, [renderMarkdown(message.faq.answer)]),
      renderFeedback(message),
    ]);
  }

  function renderSuggest(message) {
    var choices = message.suggestions.map(function (suggestion) {
      return el("li", {}, [button(suggestion.question, function () {
        askQuestion(suggestion.question, { faqId: suggestion.faq_id });
      })]);
    });
    choices.push(el("li", {}, [button(TEXT.none, startPersonMode, "chip secondary")]));
    var list = el("ul", { class: "choices" }, choices);
    return bubble("bot", "Assistant", [el("p", { text: message.text }), list]);
  }

  // Small talk ("hi", "thanks"): the reply as a bot message, no "was this helpful", no ticket.
  // After "that's not what I asked" it also offers the earlier question's other suggestions
  // and a person, with that question ready to send.
  function renderSmalltalk(message) {
    var children = [el("div", { class: "answer" }, [renderMarkdown(message.text)])];
    if (message.offerPerson) {
      var choices = (message.suggestions || []).map(function (suggestion) {
        return el("li", {}, [button(suggestion.question, function () {
          askQuestion(suggestion.question, { faqId: suggestion.faq_id });
        })]);
      });
      choices.push(el("li", {}, [button(TEXT.none, function () {
        startPersonMode(message.question);
      }, "chip secondary")]));
      children.push(el("ul", { class: "choices" }, choices));
    }
    return bubble("bot", "Assistant", children);
  }

  function renderHandoff(message) {
    return bubble("bot", "Assistant", [el("p", { text: message.text }), renderEmailForm(message)]);
  }

  // ---- feedback and email ----------------------------------------------------------------

  function renderFeedback(message) {
    var box = el("div", { class: "feedback" });
    function thank() {
      box.replaceChildren(el("p", { class: "muted", text: TEXT.thanks }));
    }
    var sending = Promise.resolve();
    function vote(helpful, reason) {
      message.feedback = helpful ? "yes" : reason || "no";
      persist();
      var body = { query_id: message.queryId, helpful: helpful, reason: reason || null };
      // One vote at a time: "No" then a reason must not race (the server keeps one row per answer).
      // Feedback is a courtesy, so a failure is not shown to the visitor.
      sending = sending.then(function () {
        return request("POST", "/api/v1/feedback", body).catch(function () {});
      });
    }
    function askWhy() {
      vote(false);
      var reasons = REASONS.map(function (reason) {
        return button(reason.charAt(0).toUpperCase() + reason.slice(1), function () {
          vote(false, reason);
          thank();
        });
      });
      box.replaceChildren(el("p", { text: TEXT.why }), el("div", { class: "chips" }, reasons),
        button("Talk to a person", startPersonMode, "link-button"));
    }
    if (message.feedback) {
      thank();
    } else {
      box.append(el("p", { text: TEXT.helpful }), el("div", { class: "chips" }, [
        button("Yes", function () {
          vote(true);
          thank();
        }),
        button("No", askWhy),
      ]));
    }
    return box;
  }

  function renderEmailForm(message) {
    var box = el("div", { class: "email" });
    if (message.email) {
      box.append(el("p", { class: "muted", text: TEXT.emailSaved + message.email + "." }));
      return box;
    }
    var id = "faqbot-email-" + message.ticketId;
    var input = el("input", { id: id, type: "email", autocomplete: "email", placeholder: "you@example.com" });
    var error = el("p", { class: "form-error", role: "alert" });
    var form = el("form", {
      onsubmit: function (event) {
        event.preventDefault();
        var email = input.value.trim();
        if (!email) {
          error.textContent = "Please enter your email address.";
          return;
        }
        error.textContent = "";
        request("POST", "/api/v1/tickets/" + encodeURIComponent(message.token) + "/contact", { email: email })
          .then(function () {
            message.email = email;
            persist();
            box.replaceChildren(el("p", { class: "muted", text: TEXT.emailSaved + email + "." }));
          }, function (failure) {
            error.textContent = failureText(failure);
          });
      },
    }, [
      el("label", { for: id, text: TEXT.emailLabel }),
      el("div", { class: "row" }, [input, el("button", { type: "submit", class: "chip", text: TEXT.notify })]),
      error,
    ]);
    box.append(form);
    return box;
  }

  // ---- asking ----------------------------------------------------------------------------

  function questionLimit() {
    return config.maxLength || 500;
  }

  function submitQuestion() {
    var text = ui.input.value.trim();
    ui.formError.textContent = "";
    if (!text || busy) {
      return;
    }
    if (text.length > questionLimit()) {
      ui.formError.textContent = TEXT.tooLong(text.length, questionLimit());
      return;
    }
    ui.input.value = "";
    var handoff = personMode;
    setPersonMode(false);
    askQuestion(text, { handoff: handoff });
  }

  function askQuestion(question, options) {
    if (busy) {
      return;
    }
    if (ui.showChat) {
      ui.showChat(); // asked from another view (Browse): the answer comes in the conversation
    }
    addMessage({ kind: "visitor", text: question });
    send(question, options || {});
  }

  function setBusy(value) {
    busy = value;
    ui.send.disabled = value;
    if (value) {
      ui.typing = el("p", { class: "typing", text: TEXT.busy });
      ui.log.append(ui.typing);
      scrollToEnd();
    } else if (ui.typing) {
      ui.typing.remove();
      ui.typing = null;
    }
  }

  function send(question, options) {
    setBusy(true);
    var body = { question: question, session_id: state.sessionId, handoff: Boolean(options.handoff) };
    request("POST", "/api/v1/ask", body).then(
      function (result) {
        setBusy(false);
        showResult(result, options);
      },
      function (failure) {
        setBusy(false);
        showFailure(failure, function () {
          send(question, options);
        });
      }
    );
  }

  function showFailure(failure, retry) {
    var children = [el("span", { class: "who", text: "Assistant" }), el("p", { text: failureText(failure) })];
    var note = el("div", { class: "message bot failure" }, children);
    if (retryable(failure)) {
      note.append(button(TEXT.retry, function () {
        note.remove();
        retry();
      }));
    }
    ui.log.append(note);
    scrollToEnd();
  }

  function showResult(result, options) {
    var chosen = options.faqId && faqsById[options.faqId];
    if (result.status === "smalltalk" && !result.ticket) {
      addMessage({ kind: "smalltalk", text: result.message || result.reply || "",
        suggestions: result.suggestions, offerPerson: Boolean(result.offer_person),
        question: result.retry_question || "" });
    } else if (result.status === "answered" && result.answer) {
      addMessage({ kind: "answer", queryId: result.query_id, faq: result.answer });
    } else if (result.status === "suggested" && chosen) {
      addMessage({ kind: "answer", queryId: result.query_id, faq: chosen }); // the FAQ they picked
    } else if (result.status === "suggested" && result.suggestions.length) {
      addMessage({ kind: "suggest", text: result.clarify ? result.message : TEXT.suggest,
        suggestions: result.suggestions });
    } else if (result.taken_over && result.ticket) {
      addMessage({ kind: "note", text: result.message || TEXT.handoff });
      followTicket({ id: result.ticket.id });
    } else if (result.ticket && result.ticket.token) {
      var ticket = { id: result.ticket.id, token: result.ticket.token };
      var text = result.message || TEXT.handoff;
      addMessage({ kind: "handoff", text: text, ticketId: ticket.id, token: ticket.token });
      followTicket(ticket);
    } else {
      addMessage({ kind: "note", text: result.message || TEXT.down });
    }
  }

  // ---- talking to a person ---------------------------------------------------------------

  function lastVisitorQuestion() {
    for (var i = state.messages.length - 1; i >= 0; i -= 1) {
      if (state.messages[i].kind === "visitor") {
        return state.messages[i].text;
      }
    }
    return "";
  }

  function setPersonMode(value) {
    personMode = value;
    ui.modeNote.hidden = !value;
    ui.input.placeholder = value ? TEXT.placeholderPerson : TEXT.placeholder;
    ui.send.textContent = value ? "Send to our team" : "Send";
  }

  function startPersonMode(question) {
    if (ui.panel.hidden) {
      openPanel();
    }
    if (ui.showChat) {
      ui.showChat();
    }
    setPersonMode(true);
    showMessage({ kind: "note", text: TEXT.person });
    if (!ui.input.value.trim()) {
      ui.input.value = typeof question === "string" && question ? question : lastVisitorQuestion();
    }
    ui.input.focus();
    ui.input.select();
  }

  // ---- following tickets until staff reply (polling with back-off) -----------------------

  var poll = { delay: config.pollMin, timer: null, running: false };

  function followTicket(ticket) {
    var known = state.tickets.filter(function (t) {
      return t.id === ticket.id;
    })[0];
    if (known) {
      known.closed = false;
    } else if (ticket.token) {
      state.tickets.push({ id: ticket.id, token: ticket.token, seen: 0, closed: false });
    }
    persist();
    schedulePoll(true);
  }

  function openTickets() {
    return state.tickets.filter(function (t) {
      return !t.closed;
    });
  }

  function schedulePoll(reset, wait) {
    if (reset) {
      poll.delay = config.pollMin;
    }
    clearTimeout(poll.timer);
    if (openTickets().length && !poll.running) {
      poll.timer = setTimeout(pollTickets, wait === undefined ? poll.delay : wait);
    }
  }

  function pollTickets() {
    poll.running = true;
    var checks = openTickets().map(function (ticket) {
      // With the id of the last message seen, the service sends only the newer ones.
      var since = ticket.last ? "?since=" + encodeURIComponent(ticket.last) : "";
      return request("GET", "/api/v1/tickets/" + encodeURIComponent(ticket.token) + since).then(
        function (data) {
          return applyTicket(ticket, data);
        },
        function (failure) {
          ticket.closed = failure.status === 404; // gone for good; otherwise keep trying
          return false;
        }
      );
    });
    Promise.all(checks).then(function (fresh) {
      poll.running = false;
      poll.delay = fresh.indexOf(true) >= 0 ? config.pollMin : Math.min(poll.delay * 2, config.pollMax);
      persist();
      schedulePoll(false);
    });
  }

  function applyTicket(ticket, data) {
    var replies = (data.messages || []).filter(function (m) {
      return m.author === "staff";
    });
    // "since" answers hold only new messages; a ticket saved before the widget used "since"
    // (no "last" yet) counts the replies it has shown instead, once.
    var fresh = ticket.last ? replies : replies.slice(ticket.seen || 0);
    ticket.seen = (ticket.seen || 0) + fresh.length;
    if (data.last_message_id) {
      ticket.last = data.last_message_id;
    }
    ticket.closed = data.status === "closed";
    fresh.forEach(function (reply) {
      addMessage({ kind: "staff", text: reply.text, name: reply.author_name || null });
    });
    if (fresh.length && ui.panel.hidden) {
      ui.launcher.classList.add("unread");
      ui.launcher.setAttribute("aria-describedby", "faqbot-unread");
    }
    return fresh.length > 0;
  }

  // ---- styles (px only: the host page's rem and inherited styles must not leak in) -----

  var STYLES = [
    ":host { all: initial !important; display: block !important; position: static !important; }",
    "*, *::before, *::after { box-sizing: border-box; }",
    "[hidden] { display: none !important; }",
    ".faqbot { font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;",
    "  color: #111827; text-align: left; }",
    "button, input, textarea { font: inherit; }",
    "p { margin: 0 0 6px; } p:last-child { margin-bottom: 0; }",
    "ul, ol { margin: 4px 0 6px; padding-left: 20px; }",
    "a { color: var(--fb-link); text-decoration: underline; }",
    ":focus-visible { outline: 3px solid var(--fb-focus); outline-offset: 2px; }",
    ".sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);",
    "  white-space: nowrap; margin: -1px; }",
    ".launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; display: flex;",
    "  align-items: center; gap: 8px; min-height: 48px; padding: 10px 18px; border: 0;",
    "  border-radius: 999px; background: var(--fb-accent); color: var(--fb-on-accent);",
    "  font-size: 16px; font-weight: 600; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); }",
    ".launcher .icon { display: inline-flex; width: 24px; height: 24px; align-items: center;",
    "  justify-content: center; border: 2px solid currentColor; border-radius: 50%; font-size: 14px; }",
    ".launcher.unread::after { content: ''; width: 10px; height: 10px; border-radius: 50%;",
    "  background: #dc2626; border: 2px solid #fff; }",
    ".panel { position: fixed; right: 20px; bottom: 84px; z-index: 2147483001; display: flex;",
    "  flex-direction: column; width: 380px; max-width: calc(100vw - 40px); height: 600px;",
    "  max-height: calc(100vh - 110px); background: #fff; border-radius: 14px; overflow: hidden;",
    "  box-shadow: 0 12px 40px rgba(0,0,0,.28); }",
    "@media (max-width: 480px) { .panel { inset: 0; width: auto; max-width: none; height: auto;",
    "  max-height: none; border-radius: 0; } }",
    ".header { display: flex; align-items: center; gap: 8px; padding: 10px 12px;",
    "  background: var(--fb-accent); color: var(--fb-on-accent); }",
    ".header h2 { flex: 1; margin: 0; font-size: 17px; font-weight: 700; }",
    ".header .logo { display: block; height: 28px; width: auto; max-width: 96px; object-fit: contain; }",
    ".header-button { padding: 6px 10px; border: 1px solid currentColor; border-radius: 8px;",
    "  background: transparent; color: inherit; font-size: 13px; cursor: pointer; }",
    ".header-button.close { width: 36px; height: 36px; padding: 0; border: 0; font-size: 24px; }",
    ".header :focus-visible { outline-color: var(--fb-on-accent); }",
    ".scroller { flex: 1; overflow-y: auto; padding: 12px; background: #f9fafb; }",
    ".intro { margin: 0 0 8px; }",
    ".topics summary { cursor: pointer; font-weight: 600; padding: 4px 0; }",
    ".category h3 { margin: 10px 0 4px; font-size: 12px; letter-spacing: .04em;",
    "  text-transform: uppercase; color: #4b5563; }",
    ".category ul, .choices { list-style: none; margin: 0; padding: 0; }",
    ".category li, .choices li { margin: 4px 0; }",
    ".topic, .choices .chip { display: block; width: 100%; text-align: left; border-radius: 8px; }",
    ".topic { padding: 8px 10px; border: 1px solid #d1d5db; background: #fff; color: #111827;",
    "  cursor: pointer; }",
    ".topic:hover, .chip:hover { border-color: var(--fb-accent); }",
    ".message { max-width: 92%; margin: 10px 0; padding: 10px 12px; border-radius: 12px;",
    "  overflow-wrap: anywhere; }",
    ".message .who { display: block; margin-bottom: 2px; font-size: 12px; font-weight: 600;",
    "  color: #4b5563; }",
    ".message.visitor { margin-left: auto; background: var(--fb-accent); color: var(--fb-on-accent);",
    "  white-space: pre-wrap; }",
    ".message.visitor .who { color: inherit; }",
    ".message.bot { background: #fff; border: 1px solid #e5e7eb; }",
    ".message.staff { background: #ecfdf5; border: 1px solid #6ee7b7; }",
    ".message.staff .who { color: #065f46; }",
    ".message.failure { background: #fef2f2; border-color: #fca5a5; }",
    ".faq-question { font-weight: 600; }",
    ".feedback, .email { margin-top: 8px; padding-top: 8px; border-top: 1px solid #e5e7eb; }",
    ".chips { display: flex; flex-wrap: wrap; gap: 6px; }",
    ".chip { padding: 6px 12px; border: 1px solid #9ca3af; border-radius: 999px; background: #fff;",
    "  color: #1f2937; font-size: 14px; cursor: pointer; }",
    ".message.failure .chip { margin-top: 6px; }",
    ".chip.secondary { color: #374151; font-style: italic; }",
    ".link-button { padding: 0; border: 0; background: none; color: var(--fb-link);",
    "  text-decoration: underline; cursor: pointer; }",
    ".feedback .link-button { margin-top: 6px; font-size: 14px; }",
    ".muted, .typing { color: #4b5563; font-size: 13px; }",
    ".typing { font-style: italic; margin: 8px 0; }",
    ".email label { display: block; margin: 0 0 4px; font-size: 13px; }",
    ".row { display: flex; gap: 8px; }",
    ".email input { flex: 1; min-width: 0; padding: 6px 8px; border: 1px solid #6b7280;",
    "  border-radius: 8px; color: #111827; background: #fff; }",
    ".composer { padding: 10px; border-top: 1px solid #e5e7eb; background: #fff; }",
    ".composer textarea { flex: 1; min-width: 0; padding: 8px; border: 1px solid #6b7280;",
    "  border-radius: 8px; resize: none; color: #111827; background: #fff; font-size: 16px; }",
    ".send { padding: 0 16px; border: 0; border-radius: 8px; background: var(--fb-accent);",
    "  color: var(--fb-on-accent); font-weight: 600; cursor: pointer; }",
    ".send:disabled { opacity: .6; cursor: progress; }",
    ".form-error { margin: 6px 0 0; color: #b91c1c; font-size: 13px; }",
    ".form-error:empty { display: none; }",
    ".mode-note { margin: 0 0 8px; padding: 6px 8px; border-radius: 6px; background: #fef3c7;",
    "  color: #1f2937; font-size: 13px; }",
  ].join("\n");

  // ---- start -----------------------------------------------------------------------------

  function start() {
    if (document.querySelector("faqbot-widget")) {
      return;
    }
    findMaxLength(); // as early as before the site's look was loaded first
    loadSiteLook().then(begin);
  }

  var openWhenMounted = false;

  function begin() {
    if (!mount()) {
      return;
    }
    state.messages.forEach(showMessage);
    ui.topics.open = state.messages.length === 0;
    persist();
    schedulePoll(true, 0); // a reply may have arrived while the visitor was away
    if (openWhenMounted) {
      openPanel();
    }
  }

  window.FaqBot = Object.freeze({
    version: VERSION,
    open: function () {
      if (ui.panel) {
        openPanel();
      } else {
        openWhenMounted = true; // the site's look is still loading
      }
    },
    close: function () {
      if (ui.panel && !ui.panel.hidden) {
        closePanel();
      }
    },
  });

  if (document.body) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
