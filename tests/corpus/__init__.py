"""A corpus of hand-typed plans for measuring `vanban audit` (issue 17): layouts, clean and faulty twins."""

from .make_corpus import DEFAULT_OUT, KINDS, build_corpus

__all__ = ["DEFAULT_OUT", "KINDS", "build_corpus"]
