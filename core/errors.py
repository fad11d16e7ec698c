from flask import g, has_app_context


class Refused(ValueError):
    """Input a service refuses, as {field: message} for the form to show next to each field (see show_errors).

    A request that met a refusal commits nothing (core.db.init_unit_of_work), whatever the view answers: a view
    that tells of the refusal and redirects cannot save what the service had begun."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors
        if has_app_context():
            g.refused = True
