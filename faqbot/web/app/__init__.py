"""The composition root: the app factory that wires every area's blueprints, start-up
(migrations, the seed corpus, a live model), the development server, the web subcommands of
``faqbot`` and the OpenAPI document merged from each area's paths.

The only package allowed to import every area.
"""
