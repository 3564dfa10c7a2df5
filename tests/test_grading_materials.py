"""Instructor materials (exercises/<id>/INSTRUCTOR.md) are generated and current."""

from __future__ import annotations

from pathlib import Path

from crmsim.grading import available, load_exercise
from crmsim.grading.materials import main, render

EXERCISES = Path(__file__).resolve().parents[1] / "exercises"


def test_every_exercise_has_current_materials(monkeypatch, capsys):
    monkeypatch.setenv("CRMSIM_EXERCISES_DIR", str(EXERCISES))
    assert main(["--check"]) == 0, capsys.readouterr().out
    assert all((EXERCISES / n / "INSTRUCTOR.md").is_file() for n in available(EXERCISES))


def test_materials_content():
    ex = load_exercise("ex02-segmentation", EXERCISES)
    text = render(ex)
    assert "expected time: 60 minutes" in text and ex.objectives[0] in text
    assert 't = transactions[transactions["date"] <= cutoff]' in text  # answer key
    assert "def rfm_table(transactions, cutoff):" in text and "BEGIN SOLUTION" not in text
    assert "**Boundary error: `date < cutoff`" in text and "`wrong/boundary.py`" in text


def test_materials_of_the_new_types():
    ex = load_exercise(Path(__file__).parent / "grading_fixtures" / "types_demo")
    text = render(ex)
    assert "| 2 | names the region and the number behind it |" in text  # rubric
    assert "def evaluate_q3(data, decision):" in text and "Kendall's tau" in text
    assert "None documented yet" in text
