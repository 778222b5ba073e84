"""The one error family the numeric core raises."""


class LossInputError(ValueError):
    """An argument a core function cannot use.

    ``argument`` names the offending argument (``"input"``, ``"target"``,
    ``"weight"``, ``"beta"``, ...) so that callers such as the JSON API can point
    at the field. The message says what was received and what is expected.
    """

    def __init__(self, argument: str, message: str):
        super().__init__(message)
        self.argument = argument
        self.message = message
