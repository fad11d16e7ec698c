from flask import Blueprint, abort, render_template

from plan import services
from plan.followups import paragraph_blocks

blueprint = Blueprint("plan", __name__, url_prefix="/plan")


@blueprint.get("/")
def index():
    return render_template("plan/index.html", documents=services.documents_with_paragraphs(), actors=services.actors())


@blueprint.get("/actors/<code>")
def actor(code: str):
    found = services.find_actor(code) or abort(404)
    return render_template("plan/actor.html", actor=found)


@blueprint.get("/<document>/<number>")
def paragraph(document: str, number: str):
    found = services.find_paragraph(document, number) or abort(404)
    previous, following = services.neighbours(found)
    return render_template(
        "plan/paragraph.html",
        paragraph=found,
        previous=previous,
        following=following,
        followup_blocks=paragraph_blocks.blocks_for(found),
    )
