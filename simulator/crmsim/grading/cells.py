"""Cells of an exercise's notebooks: their metadata, checksums, markers and languages.

Every cell the grader must recognise has ``metadata.crmsim = {"cell": <unique name>,
"kind": <kind>, "question": <question id, optional>}`` (kinds: :data:`KINDS`).
"""

from __future__ import annotations

import hashlib

from crmsim.errors import invalid

KINDS = ("locked", "solution", "hidden", "student")
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]
LANGS = ("en", "zh")  # languages of the student notebooks and feedback


def check_lang(lang) -> str:
    if lang not in LANGS:
        raise invalid("lang", lang, "'en' (English) or 'zh' (简体中文)")
    return lang


def cell_meta(cell) -> dict:
    meta = cell.get("metadata", {}).get("crmsim", {})
    return meta if isinstance(meta, dict) else {}


def checksum(source) -> str:
    """sha256 of a cell's source, ignoring trailing whitespace on lines and at the end."""
    if isinstance(source, list):
        source = "".join(source)
    text = "\n".join(line.rstrip() for line in str(source).strip().splitlines())
    return hashlib.sha256(text.encode()).hexdigest()
