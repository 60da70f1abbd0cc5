"""The matching engine: corpus files, text analysis, TF-IDF and meaning features, the matcher,
calibrated confidence, training, evaluation and the verified model directory.

It knows nothing of the web service (no Flask, no SQLAlchemy); ``faqbot.load`` and friends in
:mod:`faqbot` are its public face.
"""
