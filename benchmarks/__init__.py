"""Benchmarks of faqbot against the peers a user would otherwise pick (issue 2, section 8).

Run ``python benchmarks/run.py --help``.  The modules are a package so that the
subprocess worker and the tests import the same code as the command.
"""
