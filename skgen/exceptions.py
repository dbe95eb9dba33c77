"""Exceptions raised by skgen."""


class DivergenceError(FloatingPointError):
    """Training diverged: the parameters became NaN or infinite.

    The message says which training pass it was and what to change, usually a
    lower learning rate.
    """
