"""Tests of the web service (faqbot.web)."""
