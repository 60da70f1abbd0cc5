// The demo shop's own script: a "Chat with us" link that opens the widget through its API.
"use strict";
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-open-chat]") && window.FaqBot) {
    window.FaqBot.open();
  }
});
