from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MaximumLengthValidator:
    """Up to 128 characters: long passphrases welcome, no hashing of megabytes."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                _("This password is too long. It must contain at most %(max)d characters."),
                code="password_too_long",
                params={"max": self.max_length},
            )

    def get_help_text(self):
        return _("Your password can be up to %(max)d characters long.") % {"max": self.max_length}
