"""The one kind of error a user can cause: a question the estimator does not understand."""

EXAMPLE = "70B fp16"


class QueryError(ValueError):
    """A user-facing error: `message` says what was not understood, `example` is a query that works."""

    def __init__(self, message: str, example: str = EXAMPLE, suggestions: tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.example = example
        self.suggestions = suggestions

    def __str__(self) -> str:
        return f"{self.message} Try for example: {self.example}"
