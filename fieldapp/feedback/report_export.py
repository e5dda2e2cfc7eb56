"""The report for a spreadsheet: one line per competence and group, with what the report itself
shows and the labels it shows them with."""

from __future__ import annotations

from flask_babel import gettext as _

from fieldapp.common import spreadsheet
from fieldapp.feedback.report import Figures, Flag, Report
from fieldapp.feedback.round_forms import GROUP_LABELS

FLAG_LABELS = {
    Flag.BLIND_SPOT: lambda: _("blind spot"),
    Flag.HIDDEN_STRENGTH: lambda: _("hidden strength"),
}


def _two_decimals(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def as_table(report: Report) -> spreadsheet.Table:
    table = spreadsheet.Table(
        headers=[
            _("Competence"),
            _("Who"),
            _("Average"),
            _("Answers"),
            _("Spread"),
            _("Difference"),
            _("Signal"),
        ],
        title=_("360° feedback"),
    )
    for row in report.rows:
        columns: list[tuple[str, bool, Figures]] = [
            (str(GROUP_LABELS[group]), group.value == "self", row.groups[group])
            for group in report.groups_shown
        ]
        columns.append((_("All others"), False, row.others))
        for name, own, figures in columns:
            if not figures.shown:
                continue
            table.rows.append(
                [
                    row.label,
                    name,
                    _two_decimals(figures.mean),
                    figures.count,
                    _two_decimals(figures.spread),
                    _two_decimals(row.gap) if own else None,
                    FLAG_LABELS[row.flag]() if own and row.flag else None,
                ]
            )
    return table
