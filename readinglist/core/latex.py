"""Reading the LaTeX fragments that abstracts carry as plain words (for searching and matching).

The stored text is never changed; this only makes `{\\it robust}`, `\\%` and `$O(n^2)$` findable
as "robust", "%" and "O(n^2)".
"""

from __future__ import annotations

import re

_ESCAPED = re.compile(r"\\([%&#_$~^{}])")
_FONT_GROUP = re.compile(r"\{\\(?:it|bf|em|sc|sl|tt|rm|sf)\s+([^{}]*)\}")
_COMMAND_WITH_ARG = re.compile(
    r"\\(?:text(?:it|bf|tt|sc|rm|sf|up)|emph|mathrm|mathbf|mathit|mathcal|mathbb|url|href)\{([^{}]*)\}"
)
_COMMAND = re.compile(r"\\([A-Za-z]+)\s?")
_SYMBOLS = {"times": "×", "cdot": "·", "pm": "±", "leq": "≤", "geq": "≥", "approx": "≈",
            "sim": "~", "rightarrow": "→", "to": "→", "infty": "∞", "alpha": "α", "beta": "β",
            "gamma": "γ", "lambda": "λ", "mu": "μ", "sigma": "σ", "epsilon": "ε"}  # fmt: skip


def latex_to_text(text: str) -> str:
    """Strip LaTeX markup down to the words a reader sees."""
    if "\\" not in text and "$" not in text and "{" not in text:
        return text
    text = _FONT_GROUP.sub(r"\1", text)
    text = _COMMAND_WITH_ARG.sub(r"\1", text)
    text = _ESCAPED.sub(r"\1", text)
    text = _COMMAND.sub(lambda m: _SYMBOLS.get(m.group(1), " "), text)
    return text.replace("$", " ").replace("{", "").replace("}", "")
