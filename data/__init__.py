"""The sample FAQ and its labelled questions, shipped in the wheel as ``faqbot.sample`` (see setup.py)."""
