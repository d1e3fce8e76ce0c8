"""The quiz's questions: data/quiz.toml, a reviewed list of notable recorded votes (see its header)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field

from app.config import PROJECT_ROOT

QUIZ_FILE = PROJECT_ROOT / "data" / "quiz.toml"


class Question(BaseModel):
    key: str = Field(pattern=r"^[a-z0-9-]{1,40}$", description="URL parameter name; shared links use it")
    symbol: str
    question: str
    why: str


class QuizFile(BaseModel):
    question: list[Question] = Field(min_length=1, max_length=20)


def load_questions(path: Path) -> list[Question]:
    """Read and check the file: a broken file stops the app at its first request with the file's name."""
    try:
        parsed = QuizFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError, ValueError) as exc:
        raise RuntimeError(f"{path}: {exc}") from exc
    keys = [q.key for q in parsed.question]
    if len(set(keys)) != len(keys):
        raise RuntimeError(f"{path}: every question needs its own key")
    return parsed.question


@lru_cache
def questions() -> list[Question]:
    return load_questions(QUIZ_FILE)
