"""Which packages the distribution holds; everything else is in pyproject.toml.

pyproject.toml cannot both find packages and add one from elsewhere, so this lists them: every
package under ``faqbot/``, and ``faqbot.sample``, which is the checkout's ``data/`` folder (the
sample FAQ and its labelled questions), so that a wheel carries them and ``data/`` stays put.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[*find_namespace_packages(include=["faqbot*"]), "faqbot.sample", "faqbot.sample.eval"],
    package_dir={"faqbot.sample": "data"},
)
