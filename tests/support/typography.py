"""French typography, checked on what people read: the text of a page, an e-mail or a
PDF. HTML attributes, URLs, e-mail addresses, code and scripts are not French text and
are left out. What fails: a straight apostrophe, a missing no-break space before « : ; ?
! » or inside « », an amount of euros without a no-break space, « 1 janvier » for « 1er
janvier », Django's « --------- » placeholder."""

import re
from html.parser import HTMLParser

NO_BREAK = "\u00a0\u202f"
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
NOT_FRENCH = re.compile(
    r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+|/[\w\-./?=&%#]*\w/?",
)
RULES = [
    (re.compile(r"(?<=\w)'|'(?=\w)"), "apostrophe droite (’ attendue)"),
    (re.compile(rf"«(?![{NO_BREAK}])"), "espace insécable manquante après «"),
    (re.compile(rf"(?<![{NO_BREAK}])»"), "espace insécable manquante avant »"),
    (re.compile(r"\d ?€"), "montant sans espace insécable avant €"),
    (re.compile(rf"(?<![\d,])1[\s{NO_BREAK}]+(?:{MONTHS})\b", re.IGNORECASE), "« 1er » attendu"),
    (re.compile(r"-{5,}"), "option «\u00a0---------\u00a0» de Django"),
]
HIGH_PUNCTUATION = re.compile(r"[:;?!]")


def _high_punctuation_faults(line: str) -> list[int]:
    """Where « : ; ? ! » lacks its no-break space (a time like 10:30 is not French)."""
    faults = []
    for match in HIGH_PUNCTUATION.finditer(line):
        index = match.start()
        before = line[index - 1] if index else ""
        after = line[index + 1] if index + 1 < len(line) else ""
        if before in NO_BREAK or before in ":;?!(«" or not before:
            continue
        if match.group() == ":" and before.isdigit() and after.isdigit():
            continue
        faults.append(index)
    return faults


SKIPPED_TAGS = {"script", "style", "code", "pre", "kbd", "samp"}


class _Text(HTMLParser):
    """The text nodes of an HTML document, outside scripts, styles and code."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        elif tag in {
            "br",
            "p",
            "li",
            "td",
            "th",
            "tr",
            "div",
            "option",
            "h1",
            "h2",
            "h3",
            "button",
        }:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self.skipping:
            self.skipping -= 1
        elif tag in {"p", "li", "td", "th", "option", "div", "h1", "h2", "h3", "label", "button"}:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def typography_faults(text: str) -> list[str]:
    """Each fault of the French text `text` (plain text, not HTML), with its context."""
    faults = []
    for line in text.splitlines():
        line = NOT_FRENCH.sub(" ", line)
        found = [
            (match.start(), match.end(), rule)
            for pattern, rule in RULES
            for match in pattern.finditer(line)
        ]
        found += [
            (index, index + 1, "espace insécable manquante avant « : ; ? ! »")
            for index in _high_punctuation_faults(line)
        ]
        for start, end, rule in found:
            faults.append(f"{rule}: «{line[max(0, start - 30) : end + 30].strip()}»")
    return faults


def html_typography_faults(html: str) -> list[str]:
    return typography_faults(html_text(html))
