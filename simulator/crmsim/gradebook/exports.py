"""The gradebook for a learning-management system: Canvas, Moodle, Blackboard, or Excel.

Each format writes what that system's grade import reads (the column names its own
export uses, so an instructor can also start from a downloaded file):

``canvas``      ``Student, ID, SIS User ID, SIS Login ID, Section``, one column per exercise
                (``name (lms_id)`` when the settings give the assignment's id, which Canvas
                matches; a new name creates an assignment) and a ``Points Possible`` row
``moodle``      ``ID number, First name, Last name, Email address``, one column per exercise:
                Moodle's "Import grades from CSV" maps a user column (ID number or e-mail)
                and each grade column in its form
``blackboard``  ``Last Name, First Name, Username, Student ID`` and one column per exercise
                named ``name [Total Pts: max Score] |lms_id`` (Blackboard's Grade Center
                matches the id; without one it creates a column), every field quoted
``xlsx``        a workbook for systems without an import format (学习通, 雨课堂): the final
                grades and the points per exercise and per question, in two sheets

Every cell a spreadsheet could run as a formula is written as text
(:func:`crmsim.output.spreadsheet_safe`), whatever a student typed or named a file.
"""

from __future__ import annotations

import io

import pandas as pd

from crmsim.errors import invalid
from crmsim.output import safe_csv, spreadsheet_safe

FORMATS = ("canvas", "moodle", "blackboard", "xlsx")


def _split_name(name: str) -> tuple[str, str]:
    """(first, last) of a roster name: "Last, First" or "First Last"; a Chinese name (no
    space) is the family name's first character and the rest."""
    name = (name or "").strip()
    if "," in name:
        last, first = (p.strip() for p in name.split(",", 1))
        return first, last
    if " " in name:
        first, last = name.rsplit(" ", 1)
        return first, last
    if name and ord(name[0]) >= 0x2E80:
        return name[1:], name[:1]
    return name, ""


def _number(x):
    return "" if pd.isna(x) else f"{float(x):g}"


def canvas(final: pd.DataFrame, settings: dict, exercises: dict) -> str:
    cols = [_column(ex_id, settings, "canvas") for ex_id in settings["exercises"]]
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *cols]
    possible = ["Points Possible", "", "", "", "",
                *[f"{exercises[e].max_points:g}" for e in settings["exercises"]]]
    rows = [possible]
    for d in final.to_dict("records"):
        rows.append([d["name"] or d["student_id"], d["lms_id"], d["student_id"], d["login"],
                     d["section"], *[_number(d[e]) for e in settings["exercises"]]])
    return safe_csv(header, rows)


def moodle(final: pd.DataFrame, settings: dict, exercises: dict) -> str:
    header = ["ID number", "First name", "Last name", "Email address",
              *[_column(e, settings, "moodle") for e in settings["exercises"]]]
    rows = []
    for d in final.to_dict("records"):
        first, last = _split_name(d["name"])
        rows.append([d["student_id"], first, last, d["email"],
                     *[_number(d[e]) for e in settings["exercises"]]])
    return safe_csv(header, rows)


def blackboard(final: pd.DataFrame, settings: dict, exercises: dict) -> str:
    header = ["Last Name", "First Name", "Username", "Student ID"]
    for e in settings["exercises"]:
        header.append(f"{_column(e, settings, 'blackboard')} "
                      f"[Total Pts: {exercises[e].max_points:g} Score]"
                      + (f" |{settings['exercises'][e]['lms_id']}"
                         if settings["exercises"][e]["lms_id"] else ""))
    rows = []
    for d in final.to_dict("records"):
        first, last = _split_name(d["name"])
        rows.append([last, first, d["login"] or d["student_id"], d["student_id"],
                     *[_number(d[e]) for e in settings["exercises"]]])
    return safe_csv(header, rows, quote_all=True)


def _column(ex_id: str, settings: dict, fmt: str) -> str:
    lms_id = settings["exercises"][ex_id]["lms_id"]
    return f"{ex_id} ({lms_id})" if fmt == "canvas" and lms_id else ex_id


def xlsx(final: pd.DataFrame, per_question: pd.DataFrame) -> bytes:
    """The workbook: sheet ``final`` and sheet ``questions``, every text cell as text."""
    from openpyxl import Workbook

    wb = Workbook()
    for title, df in (("final", final), ("questions", per_question)):
        ws = wb.active if title == "final" else wb.create_sheet()
        ws.title = title
        ws.append([str(c) for c in df.columns])
        for row in df.itertuples(index=False):
            ws.append([_cell(v) for v in row])
        for cell in (c for r in ws.iter_rows() for c in r):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return spreadsheet_safe(str(value))


def export(fmt: str, final: pd.DataFrame, per_question: pd.DataFrame, settings: dict,
           exercises: dict) -> bytes:
    """The export in ``fmt`` (one of :data:`FORMATS`) as bytes: UTF-8 with a byte-order mark
    for CSV (so a spreadsheet reads Chinese names right), a workbook for xlsx."""
    if fmt not in FORMATS:
        raise invalid("format", fmt, " | ".join(FORMATS))
    if fmt == "xlsx":
        return xlsx(final, per_question)
    text = {"canvas": canvas, "moodle": moodle, "blackboard": blackboard}[fmt](
        final, settings, exercises)
    return ("\ufeff" + text).encode("utf-8")
