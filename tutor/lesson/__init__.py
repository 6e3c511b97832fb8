"""Lessons: the TOML model and loader, variants, and the graph built from a script."""

from tutor.lesson.graph import Draw, Graph, GraphError, build_graph, draw, lesson_graph
from tutor.lesson.loader import load_lesson, load_lesson_text
from tutor.lesson.model import (
    Ask,
    Choices,
    Lesson,
    LessonError,
    LessonLoadError,
    Range,
    Say,
    Show,
    Step,
)
from tutor.lesson.text import fill, placeholders

__all__ = [
    "Ask",
    "Choices",
    "Draw",
    "Graph",
    "GraphError",
    "Lesson",
    "LessonError",
    "LessonLoadError",
    "Range",
    "Say",
    "Show",
    "Step",
    "build_graph",
    "draw",
    "fill",
    "lesson_graph",
    "load_lesson",
    "load_lesson_text",
    "placeholders",
]
