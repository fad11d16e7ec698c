"""The whole story in a real browser: an organiser sets up a meeting by invitation and its programme and invites a
person; the invitee opens the link from the mail the SMTP server received, accepts, registers and takes the
programme into their calendar; a rapporteur records an outcome tied to §20, the organiser approves it, and the
plan's paragraph page shows it."""

import re

import vobject

from core.mail import deliver_due
from tests.clock import YEAR
from tests.e2e.conftest import sign_in


def test_from_a_new_meeting_to_an_approved_outcome_on_the_paragraph_page(new_page, demo, app, smtp):
    organiser = new_page()
    sign_in(organiser, "organiser@example.org", "organiser-demo-2001")

    # The organiser creates the meeting.
    organiser.goto("/events/new?lang=en")
    organiser.get_by_label("Address").fill("experts-2026")
    organiser.get_by_label("Kind of event").select_option("meeting")
    organiser.locator("#title_en").fill("Meeting of law-enforcement experts 2026")
    organiser.get_by_label("Time zone").fill("Europe/Vienna")
    organiser.get_by_label("Start", exact=True).fill(f"{YEAR}-06-10T09:30")
    organiser.get_by_label("End", exact=True).fill(f"{YEAR}-06-10T18:00")
    organiser.get_by_label("City", exact=True).fill("Vienna")
    organiser.get_by_label("Visibility").select_option("invitation")
    organiser.get_by_label("Plan paragraphs followed up").select_option("bucharest-2001:20")
    organiser.get_by_role("button", name="Save").click()
    organiser.wait_for_url("**/events/experts-2026/")
    organiser.get_by_role("button", name="Publish and open registration").click()
    assert organiser.get_by_text("Open for registration").first.is_visible()

    # Two sessions, then the programme is published.
    for title, start, end in (("Opening", "09:30", "10:30"), ("Exchange of best practices", "11:00", "13:00")):
        organiser.goto("/events/experts-2026/agenda/sessions/new?lang=en")
        organiser.get_by_label("Kind of session").select_option("plenary")
        organiser.locator("#title_en").fill(title)
        organiser.get_by_label("Start", exact=True).fill(f"{YEAR}-06-10T{start}")
        organiser.get_by_label("End", exact=True).fill(f"{YEAR}-06-10T{end}")
        organiser.get_by_label("Room").fill("Neuer Saal")
        organiser.get_by_role("button", name="Save").click()
        organiser.wait_for_url("**/agenda/manage")
    organiser.get_by_role("button", name="Publish the programme").click()
    assert organiser.get_by_text("Version 1 of the programme is published.").is_visible()

    # The organiser adds a person to the directory and invites them; the mail goes out through SMTP.
    organiser.goto("/directory/people/new?lang=en")
    organiser.get_by_label("Given name").fill("Aida")
    organiser.get_by_label("Family name").fill("Bekova")
    organiser.get_by_label("E-mail address").fill("aida.bekova@example.org")
    organiser.get_by_label("Preferred language").select_option("en")
    organiser.get_by_label("Delegation").select_option("kyrgyzstan")
    organiser.get_by_role("button", name="Save").click()
    organiser.goto("/events/experts-2026/invitations?lang=en")
    organiser.get_by_label("People", exact=True).select_option(label="Aida Bekova — aida.bekova@example.org")
    organiser.get_by_role("button", name="Invite").first.click()
    organiser.get_by_role("button", name="Send the invitations not sent yet").click()
    with app.app_context():
        assert deliver_due().sent == 1
    [mail] = smtp.messages
    assert mail["To"] == "aida.bekova@example.org"
    link = re.search(r"http://[^/\s]+(/invitations/\S+)", mail.get_body(("plain",)).get_content()).group(1)

    # The invitee opens the link, accepts and registers.
    participant = new_page()
    participant.goto(link + "?lang=en")
    participant.get_by_role("link", name="Accept and register").click()
    assert participant.get_by_label("E-mail address").input_value() == "aida.bekova@example.org"
    participant.get_by_label("Role").select_option("delegate")
    participant.get_by_label("I agree that the organisers process my personal data").check()
    participant.get_by_role("button", name="Register").click()
    assert participant.get_by_text("Your registration is confirmed.").is_visible()

    # The participant reads the programme and takes it into their calendar.
    participant.goto("/events/experts-2026/agenda?lang=en")
    assert participant.get_by_role("heading", name="Exchange of best practices").is_visible()
    with participant.expect_download() as download:
        participant.get_by_role("link", name="Add to calendar: Opening").click()
    calendar = vobject.readOne(download.value.path().read_text(encoding="utf-8"))
    assert calendar.vevent.summary.value == "Opening"
    assert calendar.vevent.dtstart.value.utcoffset().total_seconds() == 7200  # Vienna in June
    feed = participant.request.get("/events/experts-2026/agenda.ics?lang=en")
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert feed.text().count("BEGIN:VEVENT") == 2

    # The rapporteur records an outcome tied to §20 and submits it.
    rapporteur = new_page()
    sign_in(rapporteur, "rapporteur@example.org", "rapporteur-demo-2001")
    rapporteur.goto("/outcomes/new?event=experts-2026&lang=en")
    rapporteur.get_by_label("Kind of outcome").select_option("recommendation")
    rapporteur.locator("#text_en").fill("Hold the experts' meeting every year, alternating host cities.")
    rapporteur.get_by_label("Plan paragraphs followed up").select_option("bucharest-2001:20")
    rapporteur.get_by_label("Responsible bodies").select_option("permanent-council")
    rapporteur.get_by_role("button", name="Save").click()
    rapporteur.get_by_role("button", name="Submit for approval").click()
    outcome_url = rapporteur.url
    assert rapporteur.get_by_text("The outcome is submitted for approval.").is_visible()

    # Not public yet.
    participant.goto("/events/experts-2026/agenda?lang=en")
    assert participant.goto(outcome_url).status == 404

    # The organiser approves; the paragraph page shows it.
    organiser.goto(outcome_url)
    organiser.get_by_role("button", name="Approve").click()
    assert organiser.get_by_text("The outcome is approved.").is_visible()
    participant.goto("/plan/bucharest-2001/20?lang=en")
    assert participant.get_by_text("Hold the experts' meeting every year").is_visible()
    assert participant.get_by_role("link", name="Meeting of law-enforcement experts 2026").first.is_visible()


def test_core_pages_and_sign_in_work_without_javascript(new_page, demo):
    page = new_page(javascript=False)
    sign_in(page, "participant@example.org", "participant-demo-2001")
    page.goto("/events/bishkek-2001/agenda?lang=en")
    page.get_by_role("button", name="Add to my agenda: Opening session").click()
    assert page.get_by_text("Added to your agenda.").is_visible()
    page.goto("/events/bishkek-2001/my-agenda?lang=en")
    assert page.get_by_role("heading", name="Opening session").is_visible()
    page.goto("/events/?kind=expert_workshop&lang=en")
    assert page.get_by_role(
        "link", name="Expert Workshop on Combating the Use of the Internet for Terrorist Purposes"
    ).is_visible()
