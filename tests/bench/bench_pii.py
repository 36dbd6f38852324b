"""PII recall by kind, and false positives on ordinary note text, for the cloud path's
pseudonymiser (agent/privacy/pii.py), beside the version it replaced.

    .venv/bin/python tests/bench/bench_pii.py [--json] [--before REV]

The set is generated (seeded) from hand-written parts: e-mail addresses; phone numbers of
six countries written as people write them (spaces, dots, dashes, brackets, +/00, none
at all, Arabic-Indic and Eastern Arabic digits); IBANs of six countries with valid check
digits (upper and lower case, compact, in groups of four with spaces or dashes); card
numbers (Luhn-valid, grouped or not); person names of Arabic, English, French and other
origins placed in note sentences (starting one, inside one, after a title, in Arabic
script after a title or kinship word, and the forms the method cannot see: a given name
alone, a name in lower case, an Arabic name with no cue). A value counts as found when it
no longer appears in the output. False positives: placeholders put into 60 ordinary
note sentences that hold no personal data but plenty of capitalised words.

What it cannot show: real notes are messier than templates, and the name lists are ours.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from agent.privacy.pii import Pseudonymiser  # noqa: E402

GIVEN = """Sara Omar Layla Karim Yusuf Mona Huda Tariq Rania Samir Nadia Hassan Leila Ziad Amal
Fatima Khalid Noor Rami Dina John Emily James Olivia George Hannah Peter Claire Thomas
Sophie Jean-Luc Camille Étienne Margaux Hélène Benoît Aiko Mateo Priya Ingrid""".split()
FAMILY = """Haddad Khoury Nasser Saleh Mansour Aziz Haddadin Barakat Odeh Qasim Al-Sayed Farouk
Smith Walker Hughes Patel O'Brien Fletcher Dubois Martin Lefèvre Moreau Girard Tanaka
Lindqvist Okafor Rossi""".split()
ARABIC_GIVEN = "سارة عمر ليلى كريم يوسف منى هدى طارق رانيا سمير نادية حسن زياد أمل".split()
ARABIC_FAMILY = "حداد خوري ناصر صالح منصور عزيز بركات عودة قاسم فاروق".split()
CUES = ["الدكتورة", "السيد", "السيدة", "خالتي", "صديقي", "الأستاذ", "أخي", "المهندس"]
LATIN_TEMPLATES = [
    "{n} takes the ferry to Hydra at 7:40 from pier 3.",
    "Lunch with {n} on Thursday at the harbour café.",
    "Ask {n} about the invoice before Friday.",
    "The keys are with {n}'s neighbour.",
    "Rendez-vous avec {n} à la gare mardi.",
    "Met {n} and the architect about the kitchen plans.",
]
ARABIC_TEMPLATES = ["موعد مع {c} {n} يوم الخميس.", "اتصل ب{c} {n} بخصوص الفاتورة."]
ORDINARY = """The ferry to Hydra leaves at 7:40 from pier 3.
Pack the Blue Guide to Crete and the Lonely Planet for Jordan.
## Kitchen Renovation
The IKEA Metod cabinets arrive on Tuesday.
Book the Airbnb in Old Town Dubrovnik for July.
Renew the Netflix and Spotify subscriptions.
The Python Software Foundation meetup is at the Central Library.
Read War and Peace before the book club.
The Eiffel Tower opens at nine; buy tickets on the website.
Take the Jubilee Line to Canary Wharf.
Call the Royal Jordanian office about the baggage.
Finish the Quarterly Tax Return by April.
The British Museum has a new Egypt gallery.
Dentist appointment at Harley Street Clinic.
Grocery list: Greek Yoghurt, Olive Oil, Basmati Rice.
Notes from the Product Review: Dark Mode ships in Version Two.
Visit Petra and Wadi Rum in the spring.
The Red Sea Project budget doubled.
Watch Lawrence of Arabia with the kids.
The Apple Watch needs a new strap.
Le Musée du Louvre ferme le mardi.
Acheter des billets pour la Côte d'Azur.
La réunion du Conseil Municipal est lundi.
Prendre le TGV pour Bordeaux à 8 h.
Mount Nebo is an hour from Amman.
The Dead Sea hotel has a spa.
The Google Drive folder holds the scans.
Microsoft Teams call with the Leeds office.
Train tickets: Great Western Railway, coach C.
The Royal Botanic Gardens open at ten.
Submit the form to the Home Office online.
The Tate Modern has free entry.
Change the Wi-Fi password on the Netgear router.
The Toyota Corolla needs an MOT in May.
Pay the Thames Water bill.
The New Year party is at the Grand Hotel.
Christmas Market in Cologne, second week of December.
Ramadan Kareem cards for the neighbours.
The Arab Bank branch closes at two.
Mediterranean Diet notes: more lentils, less bread.
Project Phoenix kickoff moved to next week.
Quarterly Business Review slides are in the Shared Drive.
The Amazon Kindle battery drains fast.
The Jordan River trail starts near the bridge.
Booked the Ritz Carlton for the conference.
The European Commission report on energy is out.
Cairo Tower at sunset, then Khan el-Khalili.
The Swiss Alps trip needs warm jackets.
The Nile Cruise leaves from Luxor.
Garden plan: Tomato Seedlings by the South Wall.
رحلة إلى البتراء ووادي رم في الربيع.
اجتماع المجلس البلدي يوم الاثنين.
تذاكر العبارة إلى العقبة في الدرج.
تجديد اشتراك نتفليكس في الشهر القادم.
فاتورة الكهرباء وصلت أمس.
المتحف البريطاني فيه قاعة جديدة لمصر.
موعد طبيب الأسنان في عيادة الشميساني.
الطريق إلى البحر الميت يستغرق ساعة.
قائمة المشتريات: زيت زيتون وأرز وعدس.
عطلة عيد الفطر تبدأ يوم الخميس.""".splitlines()


def _iban(rng: random.Random, country: str, length: int) -> str:
    bban = "".join(rng.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(length - 4))
    bban = bban[:4].upper() + "".join(rng.choice("0123456789") for _ in bban[4:])
    moved = bban + country + "00"
    check = 98 - int("".join(str(int(c, 36)) for c in moved)) % 97
    return f"{country}{check:02d}{bban}"


def _luhn(rng: random.Random) -> str:
    digits = [4] + [rng.randrange(10) for _ in range(14)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def _arabic_digits(text: str, eastern: bool) -> str:
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹" if eastern else "٠١٢٣٤٥٦٧٨٩"))


def cases(seed: int = 15) -> dict[str, list[tuple[str, str]]]:
    """kind -> [(sentence, the value that must not survive)]."""
    rng = random.Random(seed)
    out: dict[str, list[tuple[str, str]]] = {}

    def add(kind: str, sentence: str, value: str) -> None:
        out.setdefault(kind, []).append((sentence, value))

    for _ in range(40):
        user = f"{rng.choice(GIVEN).lower()}.{rng.choice(FAMILY).lower()}".replace("'", "")
        value = f"{user}@{rng.choice(['example.org', 'mail.example.co.uk', 'example.jo'])}"
        add("email", f"Write to {value} about the lease.", value)
    for _ in range(20):
        local = f"7{rng.randrange(100, 999)}{rng.randrange(100000, 999999)}"
        jo = f"79{rng.randrange(1000000, 9999999)}"
        fr = f"6{rng.randrange(10000000, 99999999)}"
        for kind, value in [
            ("phone: separated", f"+44 {local[:4]} {local[4:]}"),
            ("phone: separated", f"0{fr[0]} {fr[1:3]} {fr[3:5]} {fr[5:7]} {fr[7:]}"),
            ("phone: separated", f"(212) 555-{rng.randrange(1000, 9999)}"),
            ("phone: separated", f"0{fr[0]}.{fr[1:3]}.{fr[3:5]}.{fr[5:7]}.{fr[7:]}"),
            ("phone: international, unseparated", f"+44{local}"),
            ("phone: international, unseparated", f"00962{jo}"),
            ("phone: international, unseparated", f"962{jo}"),
            ("phone: international, unseparated", f"33{fr}"),
            ("phone: national, unseparated", f"0{jo}"),
            ("phone: Arabic-Indic digits", _arabic_digits(f"0{jo}", eastern=False)),
            ("phone: Arabic-Indic digits", _arabic_digits(f"+962 {jo[:2]} {jo[2:]}", False)),
            ("phone: Eastern Arabic digits", _arabic_digits(f"0{jo}", eastern=True)),
        ]:
            add(kind, f"Her number is {value}, call after six.", value)
    for country, length in [("GB", 22), ("DE", 22), ("FR", 27), ("JO", 30), ("SA", 24),
                            ("AE", 23)]:  # fmt: skip
        for _ in range(6):
            iban = _iban(rng, country, length)
            groups = [iban[i : i + 4] for i in range(0, len(iban), 4)]
            for kind, value in [
                ("IBAN: upper case, compact", iban),
                ("IBAN: upper case, spaced", " ".join(groups)),
                ("IBAN: lower case", iban.lower()),
                ("IBAN: dashed", "-".join(groups)),
                ("IBAN: lower case, spaced", " ".join(groups).lower()),
            ]:
                add(kind, f"Rent goes to {value} ok on the first.", value)
    for _ in range(30):
        card = _luhn(rng)
        add("card", f"Card {' '.join(card[i : i + 4] for i in range(0, 16, 4))} expires soon.",
            card[:4])  # fmt: skip
    for n in range(120):
        name = f"{GIVEN[n % len(GIVEN)]} {FAMILY[(n * 7) % len(FAMILY)]}"
        template = LATIN_TEMPLATES[n % len(LATIN_TEMPLATES)]
        add("name in a note: given + family name", template.format(n=name), name)
    for n in range(30):
        name = f"{GIVEN[n % len(GIVEN)]}"
        add("name in a note: after a title", f"Appointment with Dr {name} at noon.", name)
        add("name in a note: given name alone (not aimed at)",
            LATIN_TEMPLATES[n % 6].format(n=name), name)  # fmt: skip
        add("name in a note: lower case (not aimed at)",
            LATIN_TEMPLATES[n % 6].format(n=f"{name} {FAMILY[n % len(FAMILY)]}".lower()),
            f"{name} {FAMILY[n % len(FAMILY)]}".lower())  # fmt: skip
    for n in range(40):
        name = (
            f"{ARABIC_GIVEN[n % len(ARABIC_GIVEN)]} {ARABIC_FAMILY[(n * 3) % len(ARABIC_FAMILY)]}"
        )
        template = ARABIC_TEMPLATES[n % len(ARABIC_TEMPLATES)]
        add("name in a note, Arabic script: after a title or kinship word",
            template.format(c=CUES[n % len(CUES)], n=name), name)  # fmt: skip
        add("name in a note, Arabic script: no cue (not aimed at)",
            f"{name} يأخذ العبارة في السابعة.", name)  # fmt: skip
    return out


def _load(source: str) -> Callable[[], object]:
    """The Pseudonymiser class of another version of pii.py."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location("pii_before", f.name)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["pii_before"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.Pseudonymiser  # type: ignore[no-any-return]


def measure(make: Callable[[], object]) -> dict[str, object]:
    recall = {}
    for kind, rows in cases().items():
        found = sum(value not in make().pseudonymise(sentence) for sentence, value in rows)  # type: ignore[attr-defined]
        recall[kind] = {"found": found, "of": len(rows), "recall": round(found / len(rows), 3)}
    placeholders = [make().pseudonymise(s).count("[") - s.count("[") for s in ORDINARY]  # type: ignore[attr-defined]
    return {
        "recall": recall,
        "false_positives": {
            "sentences": len(ORDINARY),
            "with a placeholder": sum(1 for p in placeholders if p),
            "placeholders": sum(placeholders),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--before", default="", help="a git revision to compare with")
    args = parser.parse_args()
    results = {"now": measure(Pseudonymiser)}
    if args.before:
        old = subprocess.run(
            ["git", "show", f"{args.before}:agent/privacy/pii.py"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        results["before"] = measure(_load(old))
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return
    for version, r in results.items():
        print(f"== {version}")
        for kind, v in r["recall"].items():  # type: ignore[attr-defined]
            print(f"  {kind:62} {v['found']:4}/{v['of']:<4} {v['recall']:.3f}")
        print(f"  false positives: {r['false_positives']}")


if __name__ == "__main__":
    main()
