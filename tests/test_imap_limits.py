"""IMAP against a hostile server: every command and every sync has a deadline, a literal's
size is checked before it is read, and one bad message costs only itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.index.mail import index_mail
from agent.store import Store
from connectors.mail.imap import ImapAccount, ImapSource
from contracts.errors import ConnectorError
from tests.fakes.hostile_imap import HostileImap


def message(n: int) -> bytes:
    return (
        f"From: Sara <sara@example.com>\r\nTo: omar@example.com\r\nSubject: note {n}\r\n"
        f"Message-ID: <hostile{n}@example.com>\r\n\r\nThe ferry leaves at {n}.\r\n"
    ).encode()


@pytest.fixture
def server_for(tmp_path: Path) -> Iterator:
    servers: list[HostileImap] = []

    def start(behaviour: dict[int | str, str], count: int = 3, **kw: float) -> HostileImap:
        server = HostileImap(
            tmp_path, {n: message(n) for n in range(1, count + 1)}, behaviour, **kw
        )
        servers.append(server.__enter__())
        return server

    yield start
    for server in servers:
        server.__exit__()


def source(server: HostileImap, **kw: float) -> ImapSource:
    account = ImapAccount(
        host="127.0.0.1", user="sara", port=server.port, trusted_cert=str(server.cert)
    )
    return ImapSource(account, "pw", timeout=30, **kw)


def test_a_trickling_greeting_times_out(server_for) -> None:
    # One byte every 0.2 s: each read is quick, so a per-read timeout never fires. The
    # greeting would take 8.6 s; the deadline (4 s) leaves a busy machine room to connect.
    server = server_for({"greeting": "trickle"})
    with pytest.raises(ConnectorError, match="did not greet properly: the server took too long"):
        source(server, command_seconds=4).connect()


def test_a_trickling_message_costs_only_itself(server_for, tmp_path: Path) -> None:
    server = server_for({2: "trickle"})
    store = Store(tmp_path / "m.db")
    # The trickled message would take 28 s; the others fetch well within 4 s even on a
    # busy machine.
    report = index_mail(store, source(server, command_seconds=4))
    assert report.added == 2
    ((where, why),) = report.errors
    assert where.endswith("UID=2") and "the server took too long to answer" in why
    store.close()


def test_a_literal_too_big_is_refused_before_reading(server_for, tmp_path: Path) -> None:
    server = server_for({2: "huge"})
    store = Store(tmp_path / "m.db")
    report = index_mail(store, source(server))
    assert report.added == 2
    ((where, why),) = report.errors
    assert where.endswith("UID=2") and "announced 99,999,999,999 bytes" in why
    assert server.logins >= 2, "the broken connection was dropped and a fresh one made"
    store.close()


def test_a_sync_that_runs_out_of_time_keeps_what_it_fetched(server_for, tmp_path: Path) -> None:
    server = server_for({}, count=450, fetch_delay=0.02)  # 9 s of fetching in all
    store = Store(tmp_path / "m.db")
    report = index_mail(store, source(server, sync_seconds=5))
    assert ("imap" in report.warnings[0][0]) and "ran out of time" in report.warnings[0][1]
    assert 0 < report.added < 450 and report.removed == 0
    again = index_mail(store, source(server))
    assert again.added == 450 - report.added
    store.close()


def test_a_server_that_goes_away_ends_the_sync_not_each_message(server_for, tmp_path) -> None:
    server = server_for({150: "vanish"}, count=300)
    store = Store(tmp_path / "m.db")
    report = index_mail(store, source(server))
    assert report.errors == [] and report.removed == 0
    ((where, why),) = report.warnings
    assert where.startswith("imap://") and "the server went away" in why
    store.close()
