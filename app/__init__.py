"""Loss Lab: see how machine-learning loss functions behave."""

__version__ = "0.1.0"
