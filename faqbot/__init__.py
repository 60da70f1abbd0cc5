"""faqbot: a self-hosted FAQ answering bot with calibrated confidence.

The public Python API is small on purpose: train with :func:`fit_model`, save with
:func:`save_model`, load (and verify) with :func:`load`, then ``model.ask(question)``.
"""

from faqbot.engine.artifact import ModelError, load, save_model
from faqbot.engine.model import FaqModel
from faqbot.engine.training import fit_model

__version__ = "0.1.0"
__all__ = ["FaqModel", "ModelError", "__version__", "fit_model", "load", "save_model"]
