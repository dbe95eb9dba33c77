"""Exceptions raised by skgen."""


class DivergenceError(FloatingPointError):
    """Training diverged: the parameters became NaN or infinite.

    The message says which training pass it was and what to change, usually a
    lower learning rate.
    """


class InconsistentVersionWarning(UserWarning):
    """An estimator was unpickled by a version of skgen other than the one that
    pickled it: its fitted state may not mean the same, or work at all.

    The attributes name the estimator and both versions, as sklearn's warning
    of the same name does for scikit-learn itself.
    """

    def __init__(self, *, estimator_name, current_version, original_version):
        self.estimator_name = estimator_name
        self.current_version = current_version
        self.original_version = original_version

    def __str__(self):
        return (
            f"Trying to unpickle estimator {self.estimator_name} from skgen version "
            f"{self.original_version} when using version {self.current_version}. This "
            "might lead to breaking code or invalid results. Use at your own risk, or "
            "refit the estimator with this version."
        )
