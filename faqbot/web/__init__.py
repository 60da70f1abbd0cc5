"""The faqbot web service: one package per area, assembled by :mod:`faqbot.web.app`.

``create_app()`` builds a configured Flask app ready to serve (see :mod:`faqbot.web.app.factory`).
Where things are and which area may import which: the README's "Where things are".
"""

from faqbot.web.app.factory import ConfigError, create_app

__all__ = ["ConfigError", "create_app"]
