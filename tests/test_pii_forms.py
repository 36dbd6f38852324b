"""Pseudonymisation of the forms an adversarial run sent in clear: names that appear only
in notes, IBANs in lower case or grouped by dashes, phone numbers in Arabic-Indic or
Eastern Arabic digits and unseparated international numbers, and the sender names of a
mailbox past its first 5,000 messages. Recall by kind: tests/bench/bench_pii.py."""

from __future__ import annotations

import json

import pytest

from agent.privacy import known_names
from agent.privacy.names import names_in_text
from agent.privacy.pii import Pseudonymiser
from agent.store import Store


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Pay gb82west12345698765432 by Friday", "gb82west12345698765432"),
        ("Pay GB82-WEST-1234-5698-7654-32 by Friday", "GB82-WEST-1234-5698-7654-32"),
        ("Pay gb82 west 1234 5698 7654 32 ok", "gb82 west 1234 5698 7654 32"),
        ("رقمه ٠٧٩١٢٣٤٥٦٧٨ مساءً", "٠٧٩١٢٣٤٥٦٧٨"),
        ("رقمه ۰۷۹۱۲۳۴۵۶۷۸ مساءً", "۰۷۹۱۲۳۴۵۶۷۸"),
        ("Call +447911123456 tonight", "+447911123456"),
        ("Call 447911123456 tonight", "447911123456"),
        ("Sara Haddad takes the ferry at 7:40.", "Sara Haddad"),
        ("Lunch with Jean-Luc Martin on Thursday.", "Jean-Luc Martin"),
        ("Appointment with Dr Selim at noon.", "Selim"),
        ("موعد مع الدكتورة سارة حداد يوم الخميس.", "سارة حداد"),
    ],
)
def test_the_forms_once_sent_in_clear_are_replaced_and_restored(text: str, value: str) -> None:
    p = Pseudonymiser()
    out = p.pseudonymise(text)
    assert value not in out and "[" in out
    assert p.restore(out) == text


def test_what_follows_an_iban_stays_in_clear() -> None:
    out = Pseudonymiser().pseudonymise("IBAN gb82west12345698765432 ok, thanks")
    assert out == "IBAN [IBAN_1] ok, thanks"


def test_headings_and_ordinary_capitals_are_not_names() -> None:
    text = "## Ferry Update\n\nThe ferry leaves on Monday. New York in May."
    assert list(names_in_text(text)) == []


def test_every_sender_is_known_not_only_the_first_5000(tmp_path) -> None:
    store = Store(tmp_path / "f.db")
    with store.atomic() as conn:
        conn.executemany(
            "INSERT INTO documents (source, root, uri, title, meta, modified, content_hash, "
            "indexed_at) VALUES ('mail', 'imap://me', ?, 'Hi', ?, 0, ?, 0)",
            [
                (f"mail:{n}", json.dumps({"from": f"Person{n} Family{n} <p{n}@x.example>"}), str(n))
                for n in range(6000)
            ],
        )
    names = known_names(store)
    assert {"Person5999 Family5999", "Person0 Family0"} <= names
    p = Pseudonymiser(names=names)
    assert p.pseudonymise("Ask Person5999 Family5999 today") == "Ask [PERSON_1] today"
    store.close()
