"""The reference data shipped with the app is complete and matches the French originals word for word."""

import pytest
from sqlalchemy import func, select

from core.db import db
from core.i18n import LANGUAGES
from plan import reference
from plan.models import Actor, Paragraph
from tests.conftest import SEEDS
from tests.seed_text import bucharest_paragraphs, decision_paragraphs, normalise

BUCHAREST = reference.read("bucharest-2001.json")
DECISION = reference.read("mc-dec-3-04.json")
ACTORS = reference.read("actors.json")


def _paragraphs(document):
    return {p["number"]: (section["number"], p) for section in document["sections"] for p in section["paragraphs"]}


def test_bucharest_has_paragraphs_1_to_31_in_sections_i_to_v():
    paragraphs = _paragraphs(BUCHAREST)
    assert list(paragraphs) == [str(n) for n in range(1, 32)]
    assert [s["number"] for s in BUCHAREST["sections"]] == ["I", "II", "III", "IV", "V"]
    # Section boundaries as in the original.
    assert paragraphs["3"][0] == "I" and paragraphs["4"][0] == "II" and paragraphs["9"][0] == "III"
    assert paragraphs["27"][0] == "IV" and paragraphs["29"][0] == "V" and paragraphs["31"][0] == "V"


def test_decision_has_five_preambular_and_two_operative_paragraphs():
    assert list(_paragraphs(DECISION)) == ["p1", "p2", "p3", "p4", "p5", "1", "2"]


@pytest.mark.skipif(not SEEDS.exists(), reason="the seed texts are not beside the repository")
def test_bucharest_texts_match_the_original_exactly():
    original = bucharest_paragraphs(SEEDS / "bucharest-plan-of-action-2001.fr.txt")
    shipped = _paragraphs(BUCHAREST)
    assert set(original) == set(shipped)
    for number, (section, text) in original.items():
        assert shipped[number][0] == section, number
        assert normalise(shipped[number][1]["text"]["fr"]) == normalise(text), f"§{number} differs"


@pytest.mark.skipif(not SEEDS.exists(), reason="the seed texts are not beside the repository")
def test_decision_texts_match_the_original_exactly():
    original = decision_paragraphs(SEEDS / "mc-decision-3-04-internet.fr.txt")
    shipped = _paragraphs(DECISION)
    assert list(original) == list(shipped)
    for number, text in original.items():
        assert normalise(shipped[number][1]["text"]["fr"]) == normalise(text), f"{number} differs"


def test_sub_paragraphs_belong_to_the_paragraph_above_them():
    shipped = _paragraphs(BUCHAREST)
    assert shipped["8"][1]["text"]["fr"].count("\n\n") == 2  # two unnumbered sub-paragraphs
    assert "Compte tenu des informations" in shipped["31"][1]["text"]["fr"]
    assert "d’ici le 31 décembre 2002" in shipped["5"][1]["text"]["fr"]
    assert "d’ici le 27 décembre 2001" in shipped["30"][1]["text"]["fr"]


def _translatable_values(node, path=""):
    if isinstance(node, dict):
        if set(node) == set(LANGUAGES):
            yield path, node
        else:
            for key, value in node.items():
                if key != "text":
                    yield from _translatable_values(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _translatable_values(value, f"{path}[{index}]")


@pytest.mark.parametrize("data", [BUCHAREST, DECISION, ACTORS], ids=["bucharest", "decision", "actors"])
def test_headings_titles_and_actor_names_exist_in_all_six_languages(data):
    found = list(_translatable_values(data))
    assert found
    for path, values in found:
        for code in LANGUAGES:
            assert values[code].strip(), f"{path} has no {code}"
        assert any("\u0400" <= ch <= "\u04ff" for ch in values["ru"]), path


def test_paragraph_actors_are_known_bodies():
    codes = {actor["code"] for actor in ACTORS}
    for document in (BUCHAREST, DECISION):
        for number, (_, paragraph) in _paragraphs(document).items():
            assert set(paragraph["actors"]) <= codes, number
    assert "odihr" in _paragraphs(BUCHAREST)["6"][1]["actors"]
    assert "permanent-council" in _paragraphs(BUCHAREST)["20"][1]["actors"]
    assert {"secretary-general", "interpol"} <= set(_paragraphs(DECISION)["2"][1]["actors"])


def test_loading_twice_changes_nothing(app_context):
    before = db.session.scalar(select(func.count(Paragraph.id)))
    counts = reference.load()
    assert counts == {"actors": len(ACTORS), "documents": 2, "paragraphs": 38}
    assert db.session.scalar(select(func.count(Paragraph.id))) == before == 38
    assert db.session.scalar(select(func.count(Actor.id))) == len(ACTORS)
