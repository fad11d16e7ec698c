class Refused(ValueError):
    """Input a service refuses, as {field: message} for the form to show next to each field (see show_errors)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors
