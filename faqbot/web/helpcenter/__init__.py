"""The public help center at ``/help``: the FAQ as server-rendered pages that visitors and search
engines can browse and search, a contact form that opens a ticket, and the sitemap and robots
file.  Pages are readable without JavaScript; they show only active FAQs, never learned
phrasings or anything another visitor typed."""
