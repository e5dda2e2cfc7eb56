"""The radar's labels wrap between words and shorten only what cannot fit (see charts.wrap)."""

from __future__ import annotations

from fieldapp.feedback.charts import wrap


def test_a_label_wraps_between_words():
    assert wrap("Volgt afspraken en instructies", 12) == ("Volgt", "afspraken en", "instructies")
    assert wrap("Werktempo", 12) == ("Werktempo",)


def test_what_does_not_fit_ends_in_an_ellipsis():
    assert wrap("Zelfstandig werken zonder voortdurende begeleiding", 12) == (
        "Zelfstandig",
        "werken",
        "zonder…",
    )
    assert wrap("Arbeidsveiligheidsvoorschriften", 12) == ("Arbeidsveil…",)
    assert wrap("een twee drie vier vijf zes", 4, max_lines=2) == ("een", "twe…")
