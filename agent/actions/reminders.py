"""Reminders as iCalendar files (RFC 5545, with the ``icalendar`` library): a ``VEVENT``
at the time found (an all-day one for a date alone) or a ``VTODO`` due then, with a
``VALARM``, the place as ``LOCATION`` and the source in ``DESCRIPTION``. Times carry
their zone (``TZID`` plus the ``VTIMEZONE`` that defines it), so a calendar app in
another zone still shows the right moment. Text is escaped by the library: a note cannot
add properties or components to the file.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from agent.actions.confine import free_name, safe_name
from agent.actions.proposal import Origin, Proposal, Target
from agent.actions.when import Moment

__all__ = ["PRODID", "reminder_proposal"]

PRODID = "-//Fanous//Fanous reminders//EN"


def _stamp(value: datetime | date) -> datetime | date:
    """A zone icalendar can name (an IANA zone), else the same moment in UTC."""
    if isinstance(value, datetime) and not isinstance(value.tzinfo, ZoneInfo):
        return value.astimezone(UTC)
    return value


def ics_bytes(
    summary: str,
    start: datetime | date,
    *,
    now: datetime,
    place: str = "",
    description: str = "",
    todo: bool = False,
) -> tuple[bytes, str]:
    """The calendar file and its UID."""
    host = socket.gethostname() or "fanous"
    uid = f"{now.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(6)}@{host}"
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    item = icalendar.Todo() if todo else icalendar.Event()
    item.add("uid", uid)
    item.add("dtstamp", now.astimezone(UTC))
    item.add("summary", summary)
    start = _stamp(start)
    if todo:
        item.add("due", start)
    else:
        item.add("dtstart", start)
        if isinstance(start, datetime):
            item.add("dtend", start + timedelta(hours=1))
        else:
            item.add("dtend", start + timedelta(days=1))
    if place:
        item.add("location", place)
    if description:
        item.add("description", description)
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(minutes=-15) if isinstance(start, datetime) else timedelta(0))
    item.add_component(alarm)
    cal.add_component(item)
    cal.add_missing_timezones()
    return cal.to_ical(), uid


def reminder_proposal(
    folder: str,
    summary: str,
    moment: Moment,
    *,
    origin: Origin,
    now: datetime,
    description: str = "",
    todo: bool = False,
) -> Proposal:
    """A reminder file in Fanous's reminders folder (``folder``, already resolved)."""
    summary = " ".join(summary.split())[:200] or moment.sentence[:200] or "Reminder"
    data, uid = ics_bytes(
        summary, moment.start, now=now, place=moment.place, description=description, todo=todo
    )
    day = moment.start.strftime("%Y-%m-%d")
    rel = free_name(folder, "", safe_name(f"{day} {summary}"[:80], ".ics"))
    when = (
        moment.start.strftime("%A %d %B %Y, %H:%M %Z")
        if isinstance(moment.start, datetime)
        else moment.start.strftime("%A %d %B %Y (all day)")
    )
    lines = [f"{'To do' if todo else 'Event'}: {summary}", f"When: {when}"]
    if moment.place:
        lines.append(f"Where: {moment.place}")
    if description:
        lines.append(description)
    lines += ["", "The calendar file (iCalendar):", "", data.decode("utf-8")]
    path = os.path.join(folder, rel)
    return Proposal(
        kind="reminder",
        target=Target("reminders", folder, folder, rel, path),
        data=data,
        summary=f"{'a to-do' if todo else 'an event'} {summary!r} on {when}",
        text="\n".join(lines),
        origin=origin,
        details={"uid": uid, "start": moment.start.isoformat(), "place": moment.place},
    )
