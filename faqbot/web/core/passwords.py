"""The password policy: at least :data:`MIN_LENGTH` characters and hard to guess, as judged by
zxcvbn (dictionaries of common passwords, names and words, keyboard patterns, repeats, dates),
not by home-made rules that ``aaaaaaaaaa`` or ``Password1!`` would pass."""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 1000  # as the login form accepts
MIN_SCORE = 3  # zxcvbn's 0-4 scale; 3 is "safely unguessable: moderate protection from offline attacks"
_CHECKED_PREFIX = 100  # zxcvbn's cost grows quickly with length; beyond this a password is long enough


class WeakPassword(ValueError):
    """A password the policy refuses; the message says why and how to do better."""


def check_password(password: str, user_inputs: Iterable[str] = ()) -> None:
    """Raise :class:`WeakPassword` unless ``password`` is long and strong enough.

    ``user_inputs`` are words an attacker would try first for this account (its email).
    """
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password must have at most {MAX_LENGTH} characters")
    inputs = list(user_inputs)
    words = inputs + [part for text in inputs for part in text.replace("@", " ").replace(".", " ").split()]
    result = zxcvbn(password[:_CHECKED_PREFIX], user_inputs=words)
    if result["score"] < MIN_SCORE:
        feedback = result.get("feedback") or {}
        hints = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
        detail = " ".join(hint.strip() for hint in hints if hint and hint.strip())
        message = "the password is too easy to guess"
        raise WeakPassword(f"{message}: {detail}" if detail else message)
