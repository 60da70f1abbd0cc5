"""Model versions: training from the knowledge base, retraining as a background job, the gate that
compares a candidate with the live model, the versions on disk and which is live (followed by every
process), their pages, API and ``faqbot models`` commands."""
