"""The report as CSV: one line per competence and group, with what the report itself shows."""

from __future__ import annotations

import csv
import io

from fieldapp.common import spreadsheet
from fieldapp.feedback.report import Figures, Report


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def report_csv_text(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["competence", "group", "mean", "answers", "spread", "gap", "flag"])
    for row in report.rows:
        columns: list[tuple[str, Figures]] = [
            (group.value, row.groups[group]) for group in report.groups_shown
        ]
        columns.append(("others", row.others))
        for name, figures in columns:
            if not figures.shown:
                continue
            writer.writerow(
                spreadsheet.row(
                    [
                        row.label,
                        name,
                        _number(figures.mean),
                        figures.count,
                        _number(figures.spread),
                        _number(row.gap) if name == "self" else "",
                        row.flag.value if name == "self" and row.flag else "",
                    ]
                )
            )
    return out.getvalue()
