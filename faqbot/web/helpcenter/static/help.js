/* The help center works without this file.  With it, "Chat with us" opens the chat widget when
   the widget has loaded on the page; otherwise the link goes to the contact form as usual. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-open-chat]");
    if (link && window.FaqBot && typeof window.FaqBot.open === "function") {
      event.preventDefault();
      window.FaqBot.open();
    }
  });
})();
