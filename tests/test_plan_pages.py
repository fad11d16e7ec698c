def test_plan_index_lists_both_documents_by_section(browser):
    page = browser.get("/plan/?lang=en").get_data(as_text=True)
    assert "Bucharest Plan of Action" in page
    assert "Decision No. 3/04" in page
    for section in ("I", "II", "III", "IV", "V"):
        assert f"<h3>{section}. " in page
    assert page.count('href="/plan/bucharest-2001/') == 31
    assert page.count('href="/plan/mc-dec-3-04/') == 7


def test_paragraph_page_shows_number_section_heading_actors_and_full_text(browser):
    response = browser.get("/plan/bucharest-2001/29?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "§29" in page
    assert "V. " in page and "Follow-up" in page
    assert "Bishkek" in page
    assert "Conférence internationale de Bichkek" in page  # the original French text
    assert "les 13 et 14 décembre 2001" in page
    assert 'lang="fr"' in page


def test_decision_operative_paragraph(browser):
    page = browser.get("/plan/mc-dec-3-04/2?lang=en").get_data(as_text=True)
    assert "Charge le Secrétaire général" in page
    assert "/plan/actors/interpol" in page


def test_paragraph_text_keeps_its_sub_paragraphs(browser):
    page = browser.get("/plan/bucharest-2001/8").get_data(as_text=True)
    assert page.count("<p>Le Forum examinera la pertinence") == 1


def test_heading_is_in_the_reader_language(browser):
    assert "Бишкек" in browser.get("/plan/bucharest-2001/29?lang=ru").get_data(as_text=True)
    assert "Bichkek" in browser.get("/plan/bucharest-2001/29?lang=fr").get_data(as_text=True)


def test_actor_page_lists_every_paragraph_that_tasks_the_body(browser):
    page = browser.get("/plan/actors/odihr?lang=en").get_data(as_text=True)
    for number in ("6", "18", "22"):
        assert f'href="/plan/bucharest-2001/{number}"' in page
    assert 'href="/plan/bucharest-2001/20"' not in page


def test_unknown_paragraph_document_or_actor_is_404(browser):
    assert browser.get("/plan/bucharest-2001/32").status_code == 404
    assert browser.get("/plan/nothing/1").status_code == 404
    assert browser.get("/plan/actors/nobody").status_code == 404


def test_paragraph_page_links_previous_and_next(browser):
    page = browser.get("/plan/bucharest-2001/20").get_data(as_text=True)
    assert 'href="/plan/bucharest-2001/19"' in page and 'href="/plan/bucharest-2001/21"' in page
