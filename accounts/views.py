import json

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_security.utils import logout_user
from sqlalchemy import select

from accounts import admin, services, tokens
from accounts.forms import ApiTokenForm, DeleteAccountForm, InviteUserForm, ProfileForm, UserForm
from accounts.models import User
from core import audit, personal_data
from core.db import db
from core.forms import ActionForm, show_errors
from core.i18n import current_language, localize
from core.roles import ADMIN, role_required
from core.rules import is_admin
from plan.models import Actor

blueprint = Blueprint("accounts", __name__)


def _profile_page(
    form: ProfileForm | None = None,
    token_form: ApiTokenForm | None = None,
    new_token: str = "",
    delete_form: DeleteAccountForm | None = None,
):
    # formdata=None: the page's other forms must not pick up the fields posted to one of them (two have "name").
    return render_template(
        "accounts/profile.html",
        form=form or ProfileForm(formdata=None, obj=current_user),
        token_form=token_form or ApiTokenForm(formdata=None),
        tokens=tokens.user_tokens(current_user),
        new_token=new_token,
        delete_form=delete_form or DeleteAccountForm(formdata=None),
        may_delete_own_account=admin.may_delete_own_account,
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


@blueprint.app_context_processor
def role_names():
    return {"ROLE_NAMES": admin.ROLE_NAMES}


# Administrators: the users --------------------------------------------------------------------------------------


def _bodies() -> list[tuple[str, str]]:
    return [(actor.code, localize(actor.name).text) for actor in db.session.scalars(select(Actor).order_by(Actor.code))]


@blueprint.get("/admin/users")
@role_required(ADMIN)
def users():
    return _users_page()


def _users_page(form: InviteUserForm | None = None):
    search = (request.args.get("q") or "")[:200]
    return render_template(
        "accounts/users.html",
        users=admin.find_users(search),
        search=search,
        form=form or InviteUserForm(formdata=None, language=current_language()),
    )


@blueprint.post("/admin/users/invite")
@role_required(ADMIN)
def invite_user():
    form = InviteUserForm()
    if form.validate_on_submit():
        try:
            user = admin.invite_user(form.email.data, form.name.data, form.role.data, form.language.data)
        except services.AccountError as refusal:
            show_errors(form, {"email": refusal})
        else:
            flash(
                _(
                    "%(email)s has been invited: a mail with a link to choose a password is on its way.",
                    email=user.email,
                ),
                "success",
            )
            return redirect(url_for("accounts.user", user_id=user.id))
    return _users_page(form), 400


@blueprint.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@role_required(ADMIN)
def user(user_id: int):
    subject = db.session.get(User, user_id) or abort(404)
    held = {"role": str(subject.role), "body": subject.body.code if subject.body else "", "active": subject.active}
    form = UserForm(data=held, bodies=_bodies())
    status = 200
    if form.validate_on_submit():
        try:
            admin.change_user(subject, form.role.data, form.body.data, form.active.data, current_user)
        except services.AccountError as refusal:
            show_errors(form, {"role": refusal})
        else:
            flash(_("The account is saved."), "success")
            return redirect(url_for("accounts.user", user_id=subject.id))
    if form.is_submitted():
        status = 400
    return render_template(
        "accounts/user.html", subject=subject, form=form, history=audit.history("user", subject.id)
    ), status


@blueprint.get("/account/welcome/<token>")
def welcome(token: str):
    """An invitation's link: on to choosing a password (Flask-Security's page), while the link is valid."""
    user = admin.invited_user(token) or abort(404)
    return redirect(url_for("security.reset_password", token=admin.password_token(user)))


@blueprint.app_context_processor
def account_labels():
    return {
        "ACCOUNT_STATES": admin.ACCOUNT_STATES,
        "ACCOUNT_ACTIONS": admin.ACCOUNT_ACTIONS,
        "account_state": admin.account_state,
        "manages_users": lambda: is_admin(current_user),
    }


# One's own data --------------------------------------------------------------------------------------------------


@blueprint.get("/profile/data.json")
@login_required
def my_data():
    """Everything held about the signed-in person, as JSON (core.personal_data)."""
    held = personal_data.collect(current_user.id, current_user.email)
    response = make_response(json.dumps(held, ensure_ascii=False, indent=2, default=str))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response.cache_control.no_store = True
    return response


@blueprint.post("/profile/delete")
@login_required
def delete_account():
    form = DeleteAccountForm()
    if not admin.may_delete_own_account(current_user):
        abort(403)
    if form.validate_on_submit() and current_user.check_password(form.password.data):
        user_id = current_user.id
        audit.record("user", user_id, "deleted")
        logout_user()
        personal_data.delete_account(user_id)
        flash(_("Your account is deleted."), "success")
        return redirect(url_for("core.home"))
    if form.validate_on_submit():
        show_errors(form, {"password": _l("This is not your password.")})
    return _profile_page(delete_form=form), 400
