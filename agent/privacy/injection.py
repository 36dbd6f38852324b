"""Prompt-injection defences: retrieved text is data, and answers fetch nothing.

- ``frame`` wraps a passage so the model sees where data starts and ends, and a passage
  cannot close the frame early.
- ``looks_like_instructions`` spots text in a note or mail that talks to the model
  (English and Arabic) by its words; ``reads_as_instructions`` adds the same judgement by
  meaning, sentence by sentence, in any wording or language
  (``agent.privacy.injection_meaning``). The router uses it so a note can never earn an
  escalation.
- ``neutralise`` rewrites an answer so a renderer fetches nothing: remote images are
  removed (an image URL can carry stolen data out in its query string), links become
  plain text.
"""

from __future__ import annotations

import codecs
import re

from agent.privacy.injection_meaning import by_meaning

__all__ = ["frame", "looks_like_instructions", "neutralise", "reads_as_instructions"]

# Rules as (cheap substrings, one of which must be in the lower-cased text; pattern). The
# substring test runs in C and skips almost every ordinary passage; the regex confirms.
# The detector is deliberately eager: a false alarm only keeps a question local.
_INSTR = r"(?:instructions?|instrucciones|istruzioni|anweisungen|directives?|guidelines|rules)"
_RULES: list[tuple[tuple[str, ...], str]] = [
    # Overrides, in the languages the corpus and our users write.
    (("ignor", "disregard", "forget", "override", "vergiss", "oubli", "olvida", "dimentica"),
     r"\b(?:ignor\w*|disregard|forget|override|vergiss|oubli\w*|olvida|dimentica)\b.{0,60}"
     rf"(?:{_INSTR}|richtlinien|regeln|rules|prompt|above|previous|everything|all|alles|tutte|todas|toutes|user)"),
    (("instruc", "istruzion", "anweisung", "directive", "guideline", "richtlinie", "policy",
      "rules"),
     rf"\b(?:previous|prior|initial|original|new|updated|real|your|system|hidden|operating|"
     rf"exact|tes|tus|tue|deine|vos|sus|le tue)\s+(?:\w+\s+)?(?:{_INSTR}|richtlinien|"
     r"systemanweisungen|content policy|policy|directive)"),
    (("prompt", "system message", "systemhinweis", "note système", "nota de", "nota di",
      "system note", "system update", "system-prompt"),
     r"system\s*-?\s*(?:prompt|message|note|update|hinweis)|prompt\s+(?:di\s+|de\s+|del\s+)?"
     r"(?:sistema|système|system)|hidden\s+prompt|note\s+système|nota\s+d[ie]l?\s+sistema|"
     r"systemhinweis"),
    (("you are now", "you now", "from now on", "ab jetzt", "ab sofort", "désormais", "ahora",
      "ora sei", "du bist jetzt", "pretend", "developer mode", "no restrictions", "no rules",
      "without any filter", "no filter", "uneingeschränkt", "sans restrictions",
      "sin restricciones", "senza restrizioni", "no limits", "no content policy", "act as",
      "no filter"),
     r"you\s+are\s+now|you\s+now\s|from\s+now\s+on|ab\s+(?:jetzt|sofort)|désormais|"
     r"ahora\s+(?:estas|eres)|ora\s+sei|du\s+bist\s+jetzt|pretend|developer\s+mode|"
     r"no\s+(?:restrictions|rules|filters?|limits|content\s+policy)|without\s+(?:any\s+)?"
     r"(?:filters?|limits|restrictions)|uneingeschränkt|sans\s+restrictions|"
     r"sin\s+(?:restricciones|filtro)|senza\s+restrizioni|\bact\s+as\b"),
    # Text that addresses the model or forges its voice.
    (("<", "[inst", "###"),
     r"<\s*/?\s*(?:system|instructions?|notes|passage|thinking|im_start|im_end|tool)\b|"
     r"\[/?inst\]|###\s*(?:system|instruction)"),
    (("system", "assistant", "user:", "ai ", "bot", "agent", "model", "llm", "assistente",
      "asistente", "assistent"),
     r"^\s*(?:system|assistant|user)\s*:|\b(?:ai|llm)\s+(?:assistant|agent|system|model)s?\b|"
     r"\b(?:note|notice|message|instructions?)\s+(?:to|for)\s+(?:the\s+|any\s+)?"
     r"(?:bot|ai|assistant|agent|model|llm)s?\b|\b(?:as|come|als|en\s+tant\s+qu'|como)\s*"
     r"(?:the\s+|un\s+|una\s+)?(?:assistant|assistente|assistent|asistente)\b|"
     r"reasoning\s*(?:trace)?\s*\(assistant\)|\bassistant\s+reading\s+this|"
     r"language\s+model|ai\s+(?:reading|processing)"),
    (("cot", "reasoned", "concluded", "determined", "established", "granted permission",
      "reasoning"),
     r"i\s+have\s+(?:already\s+)?(?:reasoned|concluded|determined|established|verified)|"
     r"granted\s+permission|reasoning\s+trace"),
    # Routing, tools, exfiltration.
    (("cloud", "gpt", "claude", "openai", "anthropic", "frontier", "escalat"),
     r"\b(?:escalat\w*|use|switch\s+to|route\s+to|ask|send\s+(?:this|it)\s+to)\b.{0,30}"
     r"\b(?:cloud|gpt|claude|openai|anthropic|frontier)|escalat\w+"),
    (("_",), r"\b(?:send_email|http_post|http_get|delete_file|write_file|run_shell|exec\w*_\w+"
     r"|call\s+\w+_\w+)"),
    (("reveal", "print", "list", "show", "send", "leak", "exfiltrat", "output", "dump",
      "forward", "email", "tell me", "repeat", "verrat", "révèle", "revela", "rivela",
      "envoie", "zeige", "muestra", "mostra", "preis", "verbatim", "context window",
      "credentials", "written above"),
     r"\b(?:reveal|print|list|show|send|leak|exfiltrate|output|dump|forward|email|mail|"
     r"tell\s+me|repeat|verrat\w*|révèle|revela|rivela|envoie|zeige|muestra|mostra)\b.{0,60}"
     r"\b(?:other|all|every|full|entire|secret|private|api|your|tes|tus|le\s+tue|deine|"
     r"customer|internal|initial|exact|raw|the\s+words|hidden|database|credentials?)\b|"
     r"verbatim|wortwörtlich|mot\s+pour\s+mot|palabra\s+por\s+palabra|parola\s+per\s+parola|"
     r"context\s+window|written\s+above|words\s+above|\bcredentials\b|\bpreis\b|"
     r"\bto\s+\S+@\S+|\ba\s+l'adresse\s+externe"),
    (("token", "canary", "code", "reference", "trace_id", "doc_id", "{"),
     r"\{canary\}|(?:append|include|add|repeat)\b.{0,80}\b(?:token|code|doc_id|trace_id|"
     r"reference|id)\b|(?:token|code|reference)\b.{0,100}\b(?:every|each|all|toute|jeder|"
     r"cualquier|ogni)\b.{0,30}\b(?:reply|replies|answer|response|report|summary|risposta|"
     r"respuesta|réponse|antwort)"),
    (("memory", "memor", "future"),
     r"(?:save|store|remember|keep)\b.{0,40}\b(?:memory|future|every)|long-term\s+memory"),
    (("](",), r"!\[[^\]]*\]\(\s*https?://"),
    (("http",), r"\b(?:fetch|visit|open|load|curl|wget|post|webhook)\b.{0,40}https?://"),
    (("decode", "rot13", "base64", "execute"),
     r"\bdecode\b|\brot13\b|\bbase64\b|execute\s+it|do\s+(?:exactly\s+)?what\s+it\s+says"),
    (("safety", "sicherheits", "sécurité", "seguridad", "sicurezza", "securite"),
     r"safety\s+(?:protocols?|rules|guidelines|checks|limits)|sicherheitsrichtlinien|"
     r"r[eè]gles\s+de\s+s[eé]curit[eé]|reglas\s+de\s+seguridad|linee\s+guida\s+di\s+sicurezza"),
    # Arabic.
    (("تجاهل", "التعليمات", "تعليمات", "أنت", "أرسل", "اكشف", "موجه", "السحاب", "انس", "النظام",
      "المساعد", "الذكاء", "بدون", "وضع", "رسالة", "ملاحظة", "أيها"),
     r"تجاهل|التعليمات|تعليمات|أنت\s+الآن|أرسل|اكشف|موجه\s+النظام|السحاب|انس\s|"
     r"ملاحظة\s+(?:إلى|للنظام|النظام)|رسالة\s+النظام|أيها\s+المساعد|المساعد\s+الذكي|"
     r"الذكاء\s+الاصطناعي|بدون\s+(?:قيود|قواعد)|وضع\s+المطور"),
]  # fmt: skip
_COMPILED = [(anchors, re.compile(p, re.M | re.S)) for anchors, p in _RULES]
# Encoded payloads hide instructions from every pattern above; in a personal note they are
# rare enough to treat as suspect on sight. One pass over the whitespace-split tokens.
_LONG_TOKEN = 28  # base64, hex, %-encoding, \\u escapes, tag characters, ascii85...
_BINARY = frozenset("01")
_MORSE = frozenset(".-/")


def _encoded(text: str) -> bool:
    if "<~" in text:
        return True
    binary = morse = single = 0
    for token in text.split():
        if len(token) >= _LONG_TOKEN and not token.startswith(("http://", "https://")):
            return True
        binary = binary + 1 if len(token) == 8 and set(token) <= _BINARY else 0
        morse = morse + 1 if set(token) <= _MORSE else 0
        single = single + 1 if len(token) == 1 and token.isalpha() else 0
        if binary >= 6 or morse >= 8 or single >= 6:
            return True
    return False


_LEET = str.maketrans("0134578@$", "oieastbas")
_LEET_TELL = re.compile(r"[a-z][0134578][a-z]|\b[0134578][a-z]{2}")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_IMAGE_REF = re.compile(r"!\[([^\]]*)\]\[[^\]]*\]")
_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$", re.M)
_HTML_MEDIA = re.compile(
    r"<\s*(?:img|image|iframe|video|audio|source|link|script|object|embed)\b[^>]*>", re.I
)
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_FRAME_TAG = re.compile(r"<\s*/?\s*passage\b[^>]*>", re.I)


def _matches(lowered: str) -> bool:
    return any(
        any(a in lowered for a in anchors) and pattern.search(lowered)
        for anchors, pattern in _COMPILED
    )


def looks_like_instructions(text: str) -> bool:
    """True when ``text`` talks to the model, forges its voice, asks for tools, data or
    routing, or hides a payload (encoded, reversed, rot13, leetspeak)."""
    if _encoded(text):
        return True
    lowered = text.lower()
    if _matches(lowered):
        return True
    # Cheap de-obfuscations, tried only on text that is still suspicious-looking.
    # Each is tried only when the text shows its tell: reversed or rot13 "the", or digits
    # inside words.
    if (" eht " in lowered or lowered.startswith(".")) and _matches(lowered[::-1]):
        return True
    if " gur " in f" {lowered} " and _matches(codecs.decode(lowered, "rot13")):
        return True
    return bool(_LEET_TELL.search(lowered)) and _matches(lowered.translate(_LEET))


def reads_as_instructions(text: str) -> bool:
    """``looks_like_instructions``, or a sentence whose meaning is an order to the model
    (paraphrased, translated: ``injection_meaning.by_meaning``)."""
    return looks_like_instructions(text) or by_meaning(text)


def frame(n: int, label: str, text: str) -> str:
    """A numbered passage between tags the passage itself cannot forge."""
    label = _FRAME_TAG.sub("", label).replace("\n", " ")
    body = _FRAME_TAG.sub("", text)
    return f'<passage n="{n}" label="{label}">\n{body}\n</passage>'


def neutralise(answer: str) -> str:
    """Markdown/HTML that would make a viewer fetch something becomes inert text."""

    def image(m: re.Match[str]) -> str:
        alt = m.group(1).strip()
        return f"[image removed{': ' + alt if alt else ''}]"

    text = _IMAGE.sub(image, answer)
    text = _IMAGE_REF.sub(image, text)
    text = _HTML_MEDIA.sub("[embedded content removed]", text)
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    text = _AUTOLINK.sub(lambda m: m.group(1), text)
    return _REF_DEF.sub("", text)
