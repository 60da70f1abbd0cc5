"""Train the sample FAQ: `python train.py [faqbot train options]`.

Defaults: data/faq.csv, calibrated on data/eval/calibration.csv, written to
models/sample; options given on the command line override them.
"""

import sys

from faqbot.cli import main

DEFAULTS = [
    "--corpus",
    "data/faq.csv",
    "--calibrate",
    "data/eval/calibration.csv",
    "--out",
    "models/sample",
]

if __name__ == "__main__":
    sys.exit(main(["train", *DEFAULTS, *sys.argv[1:]]))
