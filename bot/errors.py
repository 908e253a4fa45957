"""Errors a user can cause. Each carries a prompt key, so its sentence lives in prompts/."""


class UserError(Exception):
    """Bad input or a request that cannot be met; shown as a friendly, private reply."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values
