/* faqbot inbox notification settings of this browser: desktop notifications and sound, both
 * off until the person turns them on (localStorage; the summary poll in live.js reads them). */
(function () {
  "use strict";

  const panel = document.querySelector("[data-browser-settings]");
  const inbox = window.faqbotInbox;
  if (!panel || !inbox) {
    return;
  }
  const note = panel.querySelector("[data-permission]");
  panel.hidden = false;

  function save(name, on) {
    try {
      localStorage.setItem(inbox.keys[name], on ? "on" : "off");
    } catch (error) {
      note.textContent = "This browser does not let the page keep settings (private mode?).";
    }
  }

  function explain() {
    if (!("Notification" in window)) {
      note.textContent = "This browser has no desktop notifications.";
    } else if (Notification.permission === "denied") {
      note.textContent = "Notifications are blocked for this site in the browser's settings.";
    } else if (inbox.setting("desktop") && Notification.permission === "granted") {
      note.textContent = "Desktop notifications are on in this browser.";
    } else {
      note.textContent = "";
    }
  }

  panel.querySelectorAll("[data-setting]").forEach(function (box) {
    const name = box.dataset.setting;
    box.checked = inbox.setting(name);
    box.addEventListener("change", function () {
      save(name, box.checked);
      if (name === "desktop" && box.checked && "Notification" in window && Notification.permission === "default") {
        Notification.requestPermission().then(explain);
      }
      explain();
    });
  });

  panel.querySelector("[data-test-notification]").addEventListener("click", function () {
    if (inbox.setting("sound")) {
      inbox.beep();
    }
    if (inbox.setting("desktop") && "Notification" in window && Notification.permission === "granted") {
      new Notification("faqbot inbox", { body: "This is how a new ticket announces itself." });
    }
    explain();
  });
  explain();
})();
