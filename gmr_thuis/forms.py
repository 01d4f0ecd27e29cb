"""Login forms: the password, and the code of the second factor for accounts that set one up."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gmr_thuis import second_factor


class SecondFactorMixin:
    """After the password: an account with a confirmed TOTP device must give its current code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp_token"] = forms.CharField(
            label=_("Code uit de authenticator-app"),
            help_text=_("Alleen als u tweestapsverificatie hebt ingesteld."),
            required=False,
            max_length=8,
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        )

    def clean(self):
        cleaned_data = super().clean()
        user = self.get_user()
        device = second_factor.confirmed_device(user) if user is not None else None
        if device is not None:
            try:
                second_factor.code_check(device, cleaned_data.get("otp_token"))
            except ValidationError as error:
                if not isinstance(error, second_factor.CodeRequired):
                    # A wrong code counts like a wrong password for the lockout (django-axes).
                    user_login_failed.send(
                        sender=__name__,
                        credentials={"username": cleaned_data.get("username")},
                        request=self.request,
                    )
                self.user_cache = None
                raise
            # django-otp keeps the verified device in the session at login.
            user.otp_device = device
        return cleaned_data


class LoginForm(SecondFactorMixin, AuthenticationForm):
    pass


class AdminLoginForm(SecondFactorMixin, AdminAuthenticationForm):
    pass


class SecondFactorConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Code uit de authenticator-app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
