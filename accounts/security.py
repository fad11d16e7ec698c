"""Accounts on Flask-Security: signing up with a confirmed address, signing in and out, changing and resetting
a password.

Its pages are the site's own templates (templates/security/), its mail goes through the outbox in the account
holder's language with links built on PUBLIC_URL (never on the request), and the labels and messages readers meet
most are in the site's catalogs (the rest in its translators' flask_security domain, in translations/). Rights are
not Flask-Security's roles: they are the account's role and its meeting teams (core.rules)."""

from datetime import timedelta
from functools import wraps
from pathlib import Path

from flask import Flask, current_app, g, make_response, render_template, request, url_for
from flask_babel import force_locale, format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, user_logged_out
from flask_security import MailUtil, PasswordUtil, Security, SQLAlchemySessionUserDatastore
from flask_security.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterFormV2,
    ResetPasswordForm,
    SendConfirmationForm,
    VerifyForm,
)
from flask_security.signals import password_reset, user_confirmed, user_registered
from flask_security.utils import password_length_validator
from wtforms import StringField
from wtforms.validators import DataRequired, Length
from zxcvbn import zxcvbn

from accounts import admin, throttle
from accounts.models import User
from core.db import db, utcnow
from core.forms import OneLine
from core.i18n import current_language
from core.mail import enqueue
from core.rules import Role
from core.urls import local_path, public_url

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


class Accounts(SQLAlchemySessionUserDatastore):
    """Flask-Security's store of users, without its roles: a new account is a participant's."""

    def _prepare_create_user_args(self, **kwargs):
        kwargs = super()._prepare_create_user_args(**kwargs)
        kwargs.pop("roles", None)
        # Signing up never grants a right: the sign-up form has no role, and whatever is posted is not read.
        kwargs["role"] = Role.PARTICIPANT
        kwargs["email"] = kwargs["email"].lower()
        kwargs.setdefault("language", current_language())
        return kwargs


class SiteLabels:
    """Flask-Security's forms with the site's labels (and catalogs): `labels` maps a field to its label."""

    labels: dict = {"email": _l("E-mail address"), "password": _l("Password")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.labels.items():
            self._fields[name].label.text = label


class ThrottledLoginForm(SiteLabels, LoginForm):
    """Flask-Security's sign-in form, behind the throttle of failed attempts (accounts.throttle)."""

    def validate_next(self, field) -> None:
        # A `next` that leaves the site is dropped, not refused: the right password still signs in (to the home page).
        field.data = local_path(field.data) or ""

    def validate(self, **kwargs) -> bool:
        email = (self.email.data or "").strip().lower()
        address = request.remote_addr or ""
        wait = throttle.wait_before_attempt(email, address, known=throttle.is_known(request, email))
        if wait:
            g.sign_in_throttled = True
            self.form_errors.append(
                _("Too many failed sign-in attempts. Try again in %(wait)s.", wait=format_timedelta(wait, threshold=1))
            )
            return False
        if super().validate(**kwargs):
            throttle.forget_failures(email)
            return True
        if email:
            throttle.record_failure(email, address)
        return False


class SiteRegisterForm(SiteLabels, RegisterFormV2):
    """Sign-up: a name, an address to confirm, a password; the account is a participant's."""

    labels = {
        "email": _l("E-mail address"),
        "password": _l("Password"),
        "password_confirm": _l("The password again"),
    }
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200), OneLine()])


class SiteSendConfirmationForm(SiteLabels, SendConfirmationForm):
    labels = {"email": _l("E-mail address")}


class SiteForgotPasswordForm(SiteLabels, ForgotPasswordForm):
    labels = {"email": _l("E-mail address")}


class SiteResetPasswordForm(SiteLabels, ResetPasswordForm):
    labels = {"password": _l("New password"), "password_confirm": _l("The new password again")}


class SiteChangePasswordForm(SiteLabels, ChangePasswordForm):
    labels = {
        "password": _l("Current password"),
        "new_password": _l("New password"),
        "new_password_confirm": _l("The new password again"),
    }


class SiteVerifyForm(SiteLabels, VerifyForm):
    labels = {"password": _l("Password")}


# zxcvbn's warnings, which it gives in English only, in the site's catalogs.
STRENGTH_WARNINGS = {
    "Straight rows of keys are easy to guess.": _l("Straight rows of keys are easy to guess."),
    "Short keyboard patterns are easy to guess.": _l("Short keyboard patterns are easy to guess."),
    'Repeats like "aaa" are easy to guess.': _l("Repeated characters, such as “aaa”, are easy to guess."),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': _l(
        "Repeated groups, such as “abcabcabc”, are hardly harder to guess than “abc”."
    ),
    'Sequences like "abc" or "6543" are easy to guess.': _l("Sequences such as “abc” or “6543” are easy to guess."),
    "Recent years are easy to guess.": _l("Recent years are easy to guess."),
    "Dates are often easy to guess.": _l("Dates are often easy to guess."),
    "This is a top-10 common password.": _l("This is one of the most common passwords."),
    "This is a top-100 common password.": _l("This is one of the most common passwords."),
    "This is a very common password.": _l("This is a very common password."),
    "This is similar to a commonly used password.": _l("This is close to a common password."),
    "A word by itself is easy to guess.": _l("A single word is easy to guess."),
    "Names and surnames by themselves are easy to guess.": _l("Names on their own are easy to guess."),
    "Common names and surnames are easy to guess.": _l("Common names are easy to guess."),
}


class SitePasswords(PasswordUtil):
    """Flask-Security's rules for a new password: its length (Flask-Security's check and message), then its
    strength by zxcvbn, whose reasons, English only, are given here in the reader's language."""

    def validate(self, password: str, is_register: bool, **kwargs) -> tuple[list | None, str]:
        normalised = self.normalize(password)
        return password_length_validator(normalised) or self._weakness(normalised, kwargs), normalised

    def _weakness(self, password: str, context: dict) -> list | None:
        user = context.get("user")
        known = [context.get("email"), getattr(user, "email", None), getattr(user, "name", None)]
        result = zxcvbn(password, user_inputs=[str(value) for value in known if value])
        if result["score"] >= current_app.config["SECURITY_ZXCVBN_MINIMUM_SCORE"]:
            return None
        return [STRENGTH_WARNINGS.get(result["feedback"]["warning"], _l("This password is too easy to guess."))]


def _sign_in_status(view):
    """A refused sign-in answers 401 (429 when throttled) rather than Flask-Security's 200, so that clients and
    tests can tell; the failure the throttle counted is committed first (an answer of 400 or more rolls back).
    A successful one leads only to a page of this site."""

    @wraps(view)
    def sign_in(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        if request.method == "POST" and response.status_code == 200:
            db.session.commit()
            response.status_code = 429 if g.get("sign_in_throttled") else 401
        elif response.location is not None:
            # Only to a path of this site, after the normalisation browsers apply (core.urls.local_path).
            response.location = local_path(response.location) or url_for("core.home")
            if current_user.is_authenticated:
                throttle.remember_browser(request, response, current_user)
        return response

    return sign_in


# What each Flask-Security mail says, in the reader's language: its subject and its template.
MAILS = {
    "welcome": (lambda: _("Confirm your e-mail address"), "accounts/mail/confirm.txt"),
    "confirmation_instructions": (lambda: _("Confirm your e-mail address"), "accounts/mail/confirm.txt"),
    "welcome_existing": (lambda: _("You already have an account"), "accounts/mail/already_registered.txt"),
    "reset_instructions": (lambda: _("Choose a new password"), "accounts/mail/reset_instructions.txt"),
    "reset_notice": (lambda: _("Your password has been changed"), "accounts/mail/password_changed.txt"),
    "change_notice": (lambda: _("Your password has been changed"), "accounts/mail/password_changed.txt"),
}
# The links a mail may carry: (the token Flask-Security hands over, the page it opens, how long it works).
LINKS = {
    "reset": ("reset_token", "security.reset_password", "SECURITY_RESET_PASSWORD_WITHIN"),
    "confirm": ("confirmation_token", "security.confirm_email", "SECURITY_CONFIRM_EMAIL_WITHIN"),
}


class OutboxMail(MailUtil):
    """Flask-Security's mail, written again by the site (its own wording, in the account holder's language, with
    links on PUBLIC_URL) and queued in the outbox like every other mail."""

    def send_mail(self, template, subject, recipient, sender, body, html, **kwargs) -> None:
        user: User = kwargs["user"]
        make_subject, text = MAILS[template.rsplit("/", 1)[-1]]
        with force_locale(user.language):
            links, within = {}, {}
            for name, (token, endpoint, validity) in LINKS.items():
                if kwargs.get(token):
                    links[name] = public_url(endpoint, token=kwargs[token])
                    within[name] = format_timedelta(current_app.config[validity], threshold=1)
            links["forgot"] = public_url("security.forgot_password")
            body = render_template(text, user=user, links=links, within=within)
            enqueue(user.email, make_subject(), body, language=user.language)


def _end_every_session(_app, user: User, **_extra) -> None:
    """Signing out ends every session of the account, on every device: a copied session cookie dies with it."""
    if user is not None and getattr(user, "is_authenticated", False):
        security.datastore.set_uniquifier(user)


security = Security(mail_util_cls=OutboxMail, password_util_cls=SitePasswords)


def init_app(app: Flask) -> None:
    settings = {
        "SECURITY_LOGIN_URL": "/login",
        "SECURITY_LOGOUT_URL": "/logout",
        "SECURITY_LOGOUT_METHODS": ["POST"],
        "SECURITY_POST_LOGIN_VIEW": "/",
        "SECURITY_POST_LOGOUT_VIEW": "/",
        "SECURITY_RECOVERABLE": True,
        "SECURITY_RESET_URL": "/password/reset",
        # Instants as the rest of the app keeps them: timezone-aware, in UTC.
        "SECURITY_DATETIME_FACTORY": utcnow,
        "SECURITY_REGISTERABLE": True,
        "SECURITY_REGISTER_URL": "/sign-up",
        "SECURITY_CONFIRMABLE": True,
        "SECURITY_CONFIRM_URL": "/sign-up/confirm",
        "SECURITY_CONFIRM_EMAIL_WITHIN": timedelta(days=2),
        "SECURITY_AUTO_LOGIN_AFTER_CONFIRM": True,
        "SECURITY_POST_CONFIRM_VIEW": "/",
        "SECURITY_CHANGEABLE": True,
        "SECURITY_CHANGE_URL": "/profile/password",
        "SECURITY_POST_CHANGE_VIEW": "/profile",
        # Nobody learns from an answer whether an address has an account.
        "SECURITY_RETURN_GENERIC_RESPONSES": True,
        "SECURITY_PASSWORD_HASH": "argon2",
        # argon2 salts each hash itself; a second secret (Flask-Security's HMAC salt) would add one more to keep.
        "SECURITY_PASSWORD_SINGLE_HASH": True,
        "SECURITY_PASSWORD_LENGTH_MIN": 10,
        "SECURITY_ZXCVBN_MINIMUM_SCORE": 3,
        "SECURITY_EMAIL_HTML": False,
        # Addresses are checked as the rest of the site checks them: by their form, without asking DNS.
        "SECURITY_EMAIL_VALIDATOR_ARGS": {"check_deliverability": False},
        "SECURITY_I18N_DIRNAME": [str(TRANSLATIONS)],
        "SECURITY_DEFAULT_REMEMBER_ME": False,
        "SECURITY_RESET_PASSWORD_WITHIN": timedelta(hours=2),
        # Its scripts serve sign-in methods the site does not offer (security keys, codes by mail).
        "SECURITY_STATIC_FOLDER": None,
        # The messages a reader meets most, in the site's own words (and catalogs); the others are Flask-Security's.
        "SECURITY_MSG_GENERIC_AUTHN_FAILED": (_l("The e-mail address or the password is wrong."), "error"),
        "SECURITY_MSG_GENERIC_RECOVERY": (
            _l("If an account has this address, a link to choose a new password has been sent to it."),
            "info",
        ),
        "SECURITY_MSG_PASSWORD_RESET": (_l("Your new password is saved and you are signed in."), "success"),
        "SECURITY_MSG_PASSWORD_CHANGE": (_l("Your new password is saved."), "success"),
        "SECURITY_MSG_INVALID_RESET_PASSWORD_TOKEN": (
            _l("This link to choose a new password does not work. Ask for a new one."),
            "error",
        ),
        "SECURITY_MSG_PASSWORD_RESET_EXPIRED": (
            _l("This link to choose a new password has expired. Ask for a new one."),
            "error",
        ),
        "SECURITY_MSG_UNAUTHENTICATED": (_l("Sign in to see this page."), "error"),
    }
    for name, value in settings.items():
        app.config.setdefault(name, value)
    security.init_app(
        app,
        Accounts(db.session, User, None),
        login_form=ThrottledLoginForm,
        register_form=SiteRegisterForm,
        send_confirmation_form=SiteSendConfirmationForm,
        forgot_password_form=SiteForgotPasswordForm,
        reset_password_form=SiteResetPasswordForm,
        change_password_form=SiteChangePasswordForm,
        verify_form=SiteVerifyForm,
    )
    app.view_functions["security.login"] = _sign_in_status(app.view_functions["security.login"])
    app.login_manager.login_view = "security.login"
    user_logged_out.connect(_end_every_session, app)
    user_registered.connect(admin.record_signed_up, app)
    user_confirmed.connect(admin.record_confirmed, app)
    password_reset.connect(admin.confirm_by_reset, app)
