/* faqbot inbox: the unread count in the title and the nav on every staff page, and the
 * opt-in desktop notifications and sound for new tickets and follow-ups.
 *
 * Polls the staff API's summary with If-None-Match every few seconds (a 304 while nothing
 * changed; five times less often in a hidden tab); see faqbot/web/inbox/live.py for why this
 * is polling and not server-sent events.  Settings are per browser (localStorage), opt-in.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  const url = script && script.dataset.summary;
  const every = Math.max(1, parseFloat((script && script.dataset.poll) || "3")) * 1000;
  const KEYS = { desktop: "faqbot.inbox.desktop", sound: "faqbot.inbox.sound", last: "faqbot.inbox.lastAlert" };
  let etag = null;
  let known = null; // alert keys seen so far; null until the first answer (no alerts for those)
  let failures = 0;
  const baseTitle = document.title.replace(/^\(\d+\)\s*/, "");

  function setting(name) {
    try {
      return localStorage.getItem(KEYS[name]) === "on";
    } catch (error) {
      return false;
    }
  }

  function showCount(count) {
    document.title = (count ? "(" + count + ") " : "") + baseTitle;
    document.querySelectorAll("[data-inbox-count]").forEach(function (badge) {
      badge.firstChild.nodeValue = String(count);
      badge.hidden = !count;
    });
  }

  function beep() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) {
      return;
    }
    const context = new Context();
    const tone = context.createOscillator();
    const gain = context.createGain();
    tone.type = "sine";
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, context.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.2, context.currentTime + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + 0.35);
    tone.connect(gain).connect(context.destination);
    tone.start();
    tone.stop(context.currentTime + 0.4);
    tone.onended = function () {
      context.close();
    };
  }

  function firstTabToAlert(key) {
    // Several open inbox tabs see the same alert: only the first one rings.
    try {
      if (localStorage.getItem(KEYS.last) === key) {
        return false;
      }
      localStorage.setItem(KEYS.last, key);
    } catch (error) {
      /* private mode: ring anyway */
    }
    return true;
  }

  function notify(fresh) {
    const key = fresh.map(function (a) { return a.id + "@" + a.at; }).join(",");
    if (!fresh.length || !firstTabToAlert(key)) {
      return;
    }
    if (setting("sound")) {
      beep();
    }
    if (setting("desktop") && "Notification" in window && Notification.permission === "granted") {
      const first = fresh[0];
      const title = fresh.length === 1 ? "Ticket #" + first.id : fresh.length + " tickets need you";
      const note = new Notification(title, { body: first.question, tag: "faqbot-" + key });
      note.onclick = function () {
        window.focus();
        location.href = "/inbox/tickets/" + first.id;
      };
    }
  }

  function apply(summary) {
    showCount(summary.attention);
    const keys = summary.alerts.map(function (a) { return a.id + "@" + a.at; });
    if (known !== null) {
      notify(summary.alerts.filter(function (a, i) { return known.indexOf(keys[i]) < 0; }));
    }
    known = keys;
    document.dispatchEvent(new CustomEvent("faqbot:inbox-summary", { detail: summary }));
  }

  function schedule() {
    const wait = document.hidden ? every * 5 : every;
    setTimeout(poll, Math.min(wait * Math.pow(2, failures), 60000));
  }

  function poll() {
    const headers = etag ? { "If-None-Match": etag } : {};
    fetch(url, { headers: headers, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) {
          return null; // logged out or no inbox: stop
        }
        failures = 0;
        if (response.status === 304) {
          return true;
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        etag = response.headers.get("ETag");
        return response.json().then(apply).then(function () { return true; });
      })
      .then(function (goOn) {
        if (goOn) {
          schedule();
        }
      })
      .catch(function () {
        failures = Math.min(failures + 1, 5);
        schedule();
      });
  }

  if (url) {
    window.faqbotInbox = { beep: beep, setting: setting, keys: KEYS };
    poll();
  }
})();
