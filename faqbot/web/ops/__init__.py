"""Running the service over time: the scheduler thread (one run per task across processes),
retention of visitor data and the ``faqbot retention`` command."""
