"""Numbers as people type them: digits ("20", "1.5", "2,5") or words ("twenty-five", "an")."""

from __future__ import annotations

_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
          "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
         "seventy": 70, "eighty": 80, "ninety": 90}
_ARTICLES = {"a": 1, "an": 1}

WORD_NUMBER = (
    r"\b(?:(?:" + "|".join(_TENS) + r")(?:[- ](?:" + "|".join(_UNITS) + r"))?|"
    + "|".join(_TEENS) + "|" + "|".join(_UNITS) + r")\b"
)


def value(text: str) -> float:
    """The number in '20', '1.5', '2,5', 'twenty-five', 'an'."""
    word = text.strip().lower()
    if word in _ARTICLES:
        return _ARTICLES[word]
    if word[:1].isdigit() or word[:1] == "-":
        return float(word.replace(",", "."))
    total = 0
    for part in word.replace("-", " ").split():
        total += _UNITS.get(part, 0) + _TEENS.get(part, 0) + _TENS.get(part, 0)
    return float(total)
