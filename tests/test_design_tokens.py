"""The colour tokens (static/css/tokens.css) meet WCAG 2.2 AA in the light and the dark theme.

Each pair below is a foreground the stylesheet really draws on a background it really draws it on
(static/css/app.css): body and muted text on every surface, button labels on their buttons, status
text on its tinted badge or toast, links, and the edges people must see to find a control (input
borders, the focus ring, a solid button against the page). Text needs 4.5:1; large text and UI
edges 3:1 (WCAG 1.4.3 and 1.4.11). The dark theme must override every colour the light one sets, so
no light-only colour leaks onto a dark page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = Path(settings.BASE_DIR) / "static" / "css"
TEXT, UI = 4.5, 3.0

SURFACES = ("bg", "surface", "surface-sunken")
PAIRS: list[tuple[str, str, float]] = [
    *[(fg, bg, TEXT) for fg in ("text", "text-muted", "link", "primary", "danger", "star") for bg in SURFACES],
    ("on-primary", "primary", TEXT),
    ("on-primary", "primary-hover", TEXT),
    ("on-primary-soft", "primary-soft", TEXT),
    ("link", "primary-soft", TEXT),
    ("on-danger", "danger", TEXT),
    ("success", "success-bg", TEXT),
    ("warning", "warning-bg", TEXT),
    ("danger", "danger-bg", TEXT),
    ("info", "info-bg", TEXT),
    ("text", "primary-soft", TEXT),
    *[(edge, bg, UI) for edge in ("border-strong", "focus", "primary", "danger") for bg in SURFACES],
    ("focus", "primary-soft", UI),
]


def _declarations(block: str) -> dict[str, str]:
    return {name: value.lower() for name, value in re.findall(r"--color-([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", block)}


def themes() -> dict[str, dict[str, str]]:
    css = (CSS / "tokens.css").read_text()
    dark_at = css.index("@media (prefers-color-scheme: dark)")
    light, dark_overrides = _declarations(css[:dark_at]), _declarations(css[dark_at:])
    return {"light": light, "dark": {**light, **dark_overrides}, "dark-only": dark_overrides}


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_ratio_is_computed_as_wcag_defines_it():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic "just fails" grey


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_text_and_ui_pair_meets_aa(theme):
    colours = themes()[theme]
    failures = []
    for fg, bg, needed in PAIRS:
        assert fg in colours and bg in colours, f"--color-{fg} or --color-{bg} is not defined in the {theme} theme"
        ratio = contrast(colours[fg], colours[bg])
        if ratio < needed:
            failures.append(f"--color-{fg} {colours[fg]} on --color-{bg} {colours[bg]}: {ratio:.2f}:1, needs {needed}:1")
    assert not failures, f"{theme} theme:\n" + "\n".join(failures)


def test_the_dark_theme_overrides_every_colour():
    all_themes = themes()
    assert len(all_themes["light"]) >= 25
    missing = sorted(set(all_themes["light"]) - set(all_themes["dark-only"]))
    assert not missing, f"colours the dark theme leaves light: {missing}"


def test_every_colour_token_the_stylesheets_use_is_defined():
    defined = set(themes()["light"])
    used = set()
    for sheet in CSS.glob("*.css"):
        used |= set(re.findall(r"var\(--color-([a-z-]+)\)", sheet.read_text()))
    assert used and not sorted(used - defined), f"undefined colour tokens: {sorted(used - defined)}"


def test_the_component_stylesheet_takes_its_colours_from_the_tokens():
    """A raw colour in app.css would not follow the dark theme. The mail preview frame is the one
    exception: it shows mail as a mail client does, on white."""
    css = (CSS / "app.css").read_text()
    raw = sorted(set(re.findall(r"#[0-9a-fA-F]{3,8}\b", css)) - {"#ffffff"})
    assert not raw, f"colours outside tokens.css: {raw}"
