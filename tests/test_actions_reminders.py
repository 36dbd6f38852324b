"""Reminders: dates, times and places found in English and Arabic text, written as
iCalendar files that parse back with the right zone, logged and undone."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from agent.actions import ActionRefused, Actions, Confirmation, Origin
from agent.actions.when import find_moments
from tests.actions_helpers import ws  # noqa: F401
from tests.conftest import write_notes

YOU = Origin("you", "command line")
ZONE = ZoneInfo("Asia/Amman")
NOW = datetime(2024, 3, 4, 12, 0, tzinfo=ZONE)  # a Monday


@pytest.fixture
def actions(ws) -> Actions:  # noqa: F811
    return Actions(ws, clock=NOW.timestamp)


@pytest.mark.parametrize(
    ("text", "start", "place"),
    [
        ("The ferry leaves at 7:40 from pier 3 in Piraeus.", datetime(2024, 3, 5, 7, 40),
         "pier 3, Piraeus"),
        ("Dentist appointment with Dr. Karim on Tuesday at 10:00.", datetime(2024, 3, 5, 10, 0),
         ""),
        ("Call mum tomorrow at 6 pm", datetime(2024, 3, 5, 18, 0), ""),
        ("Meeting on 5 March 2025 at 14:30 at the Acropolis Museum",
         datetime(2025, 3, 5, 14, 30), "Acropolis Museum"),
        ("The lease renews on April 1st.", date(2024, 4, 1), ""),
        ("Standup every weekday at 9:15 in room Cedar", datetime(2024, 3, 5, 9, 15),
         "room Cedar"),
        ("Submit the report in 3 days", date(2024, 3, 7), ""),
        ("Lunch at noon next friday", datetime(2024, 3, 8, 12, 0), ""),
        ("Renewal due 2024-04-01 09:30", datetime(2024, 4, 1, 9, 30), ""),
        ("The invoice is due 15/04/2024.", date(2024, 4, 15), ""),
        ("يغادر القطار إلى الإسكندرية من محطة رمسيس في الساعة الثامنة صباحا.",
         datetime(2024, 3, 5, 8, 0), "محطة رمسيس"),
        ("موعد الطبيب ١٠ آذار الساعة ٩ والنصف صباحاً", datetime(2024, 3, 10, 9, 30), ""),
        ("اجتماع يوم الثلاثاء القادم الساعة ٣ مساءً في مكتب الشركة",
         datetime(2024, 3, 5, 15, 0), "مكتب الشركة"),
        ("اتصل بأمي غداً الساعة الخامسة إلا ربع مساء", datetime(2024, 3, 5, 16, 45), ""),
        ("تجديد العقد في ٢٠ مايو ٢٠٢٤", date(2024, 5, 20), ""),
    ],
)  # fmt: skip
def test_dates_times_and_places_are_found(text: str, start: date, place: str) -> None:
    found = find_moments(text, NOW)
    assert found, text
    first = found[0]
    expected = start.replace(tzinfo=ZONE) if isinstance(start, datetime) else start
    assert first.start == expected
    assert first.place == place


def test_text_without_a_date_finds_nothing() -> None:
    assert find_moments("Buy 3 lemons and 250 g of tahini.", NOW) == []
    assert find_moments("اشتر ثلاث ليمونات", NOW) == []


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def test_a_reminder_from_text_is_an_event_in_the_users_zone_and_undo_deletes_it(
    actions: Actions,
) -> None:
    proposal = actions.propose_reminder(text="Call the dentist tomorrow at 10:00", origin=YOU)
    folder = Path(actions.reminders_root)
    assert list(folder.iterdir()) == []
    entry = actions.confirm(proposal, Confirmation("terminal prompt"))
    (path,) = folder.iterdir()
    assert path.suffix == ".ics" and path.read_bytes() == proposal.data
    cal = parse(path.read_bytes())
    (event,) = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Call the dentist"
    start = event.decoded("DTSTART")
    assert start.tzinfo.key == "Asia/Amman"
    assert event["DTSTART"].params["TZID"] == "Asia/Amman"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Amman"]
    assert event.decoded("DTEND") - start == (event.decoded("DTEND") - start)  # one hour
    assert (event.decoded("DTEND") - start).total_seconds() == 3600
    (alarm,) = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    actions.undo(entry.id)
    assert list(folder.iterdir()) == []


def test_a_reminder_from_an_arabic_note_keeps_its_place_and_source(
    actions: Actions,
    tmp_path: Path,
) -> None:
    notes = write_notes(
        tmp_path / "notes",
        {"سفر/القطار.md": "# السفر\n\nيغادر القطار إلى الإسكندرية من محطة رمسيس في الساعة "
         "الثامنة صباحا يوم الخميس. سعر التذكرة مئة جنيه.\n"},
    )  # fmt: skip
    actions.ws.add_notes_folder(str(notes))
    actions.ws.index_notes(str(notes))
    proposal = actions.propose_reminder(source=str(notes / "سفر/القطار.md"), origin=YOU)
    event = parse(proposal.data).walk("VEVENT")[0]
    start = event.decoded("DTSTART")
    assert (start.weekday(), start.hour, start.minute) == (3, 8, 0)
    assert str(event["LOCATION"]) == "محطة رمسيس"
    assert "القطار" in str(event["SUMMARY"])
    assert "سفر/القطار.md" in str(event["DESCRIPTION"]) or "file://" in str(event["DESCRIPTION"])


def test_a_todo_and_an_explicit_time(actions: Actions) -> None:
    proposal = actions.propose_reminder(
        text="Renew the passport", at="5 June 2031 9:00", todo=True, origin=YOU
    )
    cal = parse(proposal.data)
    (todo,) = cal.walk("VTODO")
    assert todo.decoded("DUE") == datetime(2031, 6, 5, 9, 0, tzinfo=ZONE)
    assert str(todo["SUMMARY"]) == "Renew the passport"
    assert cal.walk("VEVENT") == []


def test_no_date_no_reminder(actions: Actions) -> None:
    with pytest.raises(ActionRefused, match="No date or time"):
        actions.propose_reminder(text="Buy lemons", origin=YOU)


def test_a_source_outside_the_index_is_not_read(actions: Actions, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("Meet at 9:00 tomorrow", encoding="utf-8")
    with pytest.raises(Exception, match="not in the index"):
        actions.propose_reminder(source=str(secret), origin=YOU)
