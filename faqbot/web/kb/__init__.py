"""The knowledge base: FAQs in the database with their phrasings, every change recorded and
restorable, import (with a preview applied atomically) and export in the corpus formats, the admin
pages, API and ``faqbot kb`` commands."""
