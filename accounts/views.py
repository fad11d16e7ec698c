from flask import Blueprint, abort, flash, make_response, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from accounts import services, tokens
from accounts.forms import ApiTokenForm, ProfileForm
from core.forms import ActionForm, show_errors

blueprint = Blueprint("accounts", __name__)


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
