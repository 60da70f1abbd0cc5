"""Start faqbot's web service on 127.0.0.1:5000 (``python serve.py [--host H] [--port P]``).

For production, run gunicorn instead: ``gunicorn -w 2 -b 127.0.0.1:8000 'faqbot.web:create_app()'``.
"""

import argparse
import sys

from faqbot.web.app.serving import run_dev_server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    return run_dev_server(args.host, args.port)


if __name__ == "__main__":
    sys.exit(main())
