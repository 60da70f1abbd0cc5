"""What a website visitor touches: the public API (ask, feedback, FAQ browsing, their ticket),
turning a question into an answer, suggestions or a handoff, the embeddable widget and its files,
the demo shop page, the operator's start page and the health check."""
