"""Helpers for the deep-learning course notebooks.

Importing the package is cheap: it imports neither TensorFlow nor torch. Only the
functions that need a framework import it, when they are called.
"""

__version__ = "0.1.0"
