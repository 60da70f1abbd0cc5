"""The review queue: questions the bot did not answer well, clustered with counts, and what an
admin does with them (link to an FAQ, make a new FAQ, ignore), plus the FAQs staff proposed."""
