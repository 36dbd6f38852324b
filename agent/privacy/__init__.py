"""Privacy before anything leaves: minimisation, PII pseudonymisation (round trip), the
egress ledger, the offline guard and prompt-injection defences."""

from __future__ import annotations

from agent.privacy.guard import OfflineBlocked, Policy, install, is_loopback
from agent.privacy.injection import frame, looks_like_instructions, neutralise
from agent.privacy.ledger import LedgerEntry, entries, export, month_spend, record
from agent.privacy.minimise import is_never_send, known_names, minimise
from agent.privacy.outbound import CLOUD_SYSTEM_PROMPT, Outbound, prepare
from agent.privacy.pii import Pseudonymiser, iban_ok, luhn_ok

__all__ = [
    "CLOUD_SYSTEM_PROMPT",
    "LedgerEntry",
    "OfflineBlocked",
    "Outbound",
    "Policy",
    "Pseudonymiser",
    "entries",
    "export",
    "frame",
    "iban_ok",
    "install",
    "is_loopback",
    "is_never_send",
    "known_names",
    "looks_like_instructions",
    "luhn_ok",
    "minimise",
    "month_spend",
    "neutralise",
    "prepare",
    "record",
]
