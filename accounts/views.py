from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from accounts import services, tokens
from accounts.forms import ApiTokenForm, LoginForm, ProfileForm
from accounts.models import User
from core.db import db
from core.forms import ActionForm, show_errors
from core.security import login_manager
from core.urls import local_path

blueprint = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def _safe_next(target: str | None) -> str:
    # Only paths on this site: an open redirect would let a phishing link borrow our login page.
    return local_path(target) or url_for("core.home")


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, request.remote_addr or "")
        except services.TooManyAttempts as refusal:
            flash(str(refusal), "error")
            status = 429
        else:
            if user is None:
                # Refused, and the failure is kept: the throttle counts it (an answer of 401 commits nothing).
                db.session.commit()
                flash(_("The e-mail address or the password is wrong."), "error")
                status = 401
            else:
                login_user(user)
                session["lang"] = user.language
                flash(_("You are signed in."), "success")
                return redirect(_safe_next(request.args.get("next")))
    elif form.is_submitted():
        status = 400
    return render_template("accounts/login.html", form=form), status


@blueprint.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("core.home"))


def _profile_page(form: ProfileForm | None = None, token_form: ApiTokenForm | None = None, new_token: str = ""):
    # formdata=None: the page's other form must not pick up the fields posted to this one (both have "name").
    return render_template(
        "accounts/profile.html",
        form=form or ProfileForm(formdata=None, obj=current_user),
        token_form=token_form or ApiTokenForm(formdata=None),
        tokens=tokens.user_tokens(current_user),
        new_token=new_token,
    )


@blueprint.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_preferences(current_user, form.name.data, form.language.data, form.timezone.data)
        session["lang"] = form.language.data
        flash(_("Your preferences are saved."), "success")
        return redirect(url_for("accounts.profile"))
    return _profile_page(form=form), 400 if form.is_submitted() else 200


@blueprint.post("/profile/tokens")
@login_required
def create_token():
    token_form = ApiTokenForm()
    if token_form.validate_on_submit():
        try:
            _token, raw = tokens.create_token(current_user, token_form.name.data)
        except services.AccountError as refusal:
            show_errors(token_form, {"name": refusal})
        else:
            # Shown on this page only: a redirect would need the raw token in the session cookie.
            response = make_response(_profile_page(new_token=raw))
            response.cache_control.no_store = True
            return response
    return _profile_page(token_form=token_form), 400


@blueprint.post("/profile/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        tokens.revoke_token(current_user, token_id)
    except LookupError:
        abort(404)
    flash(_("The token is revoked."), "success")
    return redirect(url_for("accounts.profile"))


ROLE_NAMES = {
    "admin": _l("Administrator"),
    "organiser": _l("Organiser"),
    "rapporteur": _l("Rapporteur"),
    "participant": _l("Participant"),
}


@blueprint.app_context_processor
def role_names():
    return {"ROLE_NAMES": ROLE_NAMES}
