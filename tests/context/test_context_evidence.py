"""Code evidence of the versions a project is written for: each probe fires and stays quiet."""

from __future__ import annotations

import textwrap

import pytest

from fastapi_lint.context.evidence import Evidence, combine_evidence, scan_evidence


def _scan(code: str) -> list[tuple[str, str, bool]]:
    found = scan_evidence("app/module.py", textwrap.dedent(code))
    return [(item.package, item.specifier, item.strong) for item in found]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("from pydantic import BaseSettings\n", ("pydantic", "<2", True)),
        (
            "from pydantic import (\n    BaseModel,  # models\n    BaseSettings,\n)\n",
            ("pydantic", "<2", True),
        ),
        ("from pydantic.generics import GenericModel\n", ("pydantic", "<2", True)),
        ("class Tags(BaseModel):\n    __root__: list[str]\n", ("pydantic", "<2", True)),
        ("from pydantic import BaseModel, field_validator\n", ("pydantic", ">=2", True)),
        ("from pydantic import ConfigDict as Config\n", ("pydantic", ">=2", True)),
        ("from pydantic_settings import BaseSettings\n", ("pydantic", ">=2", True)),
        (
            "class A(BaseModel):\n    model_config = ConfigDict(frozen=True)\n",
            ("pydantic", ">=2", True),
        ),
        ("data = user.model_dump(exclude_unset=True)\n", ("pydantic", ">=2", True)),
        ("from pydantic.v1 import BaseModel\n", ("pydantic", ">=2", False)),
        ("class Config:\n    orm_mode = True\n", ("pydantic", "<2", False)),
        ("@validator('name')\ndef check(cls, v): ...\n", ("pydantic", "<2", False)),
        ("def f(db: Annotated[Session, Depends(get_db)]): ...\n", ("fastapi", ">=0.95", True)),
        (
            "def f(q: Annotated[str | None, Query(max_length=50)] = None): ...\n",
            ("fastapi", ">=0.95", True),
        ),
        ("app = FastAPI(title='x', lifespan=lifespan)\n", ("fastapi", ">=0.93", True)),
        (
            "app = FastAPI(\n    title=get_title(),\n    lifespan=lifespan,\n)\n",
            ("fastapi", ">=0.93", True),
        ),
        ("from sqlalchemy.orm import DeclarativeBase, Mapped\n", ("sqlalchemy", ">=2.0", True)),
        ("Session = async_sessionmaker(engine)\n", ("sqlalchemy", ">=2.0", True)),
        ("from sqlalchemy.ext.asyncio import AsyncSession\n", ("sqlalchemy", ">=1.4", True)),
        # code inside an f-string's braces is code; a # inside quotes opens no comment
        ('log.debug(f"got {reply.model_dump_json()}")\n', ("pydantic", ">=2", True)),
        ('prefix = "#"; data = user.model_dump()\n', ("pydantic", ">=2", True)),
        ('"""Docs."""\n\ndata = user.model_dump()\n', ("pydantic", ">=2", True)),
    ],
)
def test_each_probe_fires_on_its_code(code: str, expected: tuple[str, str, bool]) -> None:
    assert expected in _scan(code)


@pytest.mark.parametrize(
    "code",
    [
        # a compatibility import under try: supports both majors, says nothing
        "try:\n    from pydantic import BaseSettings\nexcept ImportError:\n"
        "    from pydantic_settings import BaseSettings\n",
        "from pydantic import BaseModel, Field, validator_helper\n",
        "from mylib.pydantic import BaseSettings\n",
        "# from pydantic import BaseSettings\n",
        "model_config = {'frozen': True}\n",
        "user.dict()\nrecord.model_name\n",
        "def f(x: Annotated[int, 'meta']): ...\n",
        "app = FastAPI(title='x')\nlifespan = None\n",
        "from sqlalchemy.orm import Session, declarative_base\n",
        "from sqlalchemy import Column\n",
        # text about code: a docstring or a comment naming another version's API
        'def to_ics(event):\n    """Takes a dict (from Event.model_dump()) and builds ICS."""\n',
        '"""Settings.\n\nfrom pydantic import BaseSettings\n"""\n',
        "data = user.dict()  # on pydantic 2 this is user.model_dump()\n",
    ],
)
def test_probes_stay_quiet_on_neutral_code(code: str) -> None:
    assert _scan(code) == []


def test_evidence_names_its_file_line_and_code() -> None:
    source = "import os\n\nfrom pydantic import BaseModel, BaseSettings\n"
    (item,) = scan_evidence("app/config.py", source)
    assert item.describe() == "app/config.py:3: from pydantic import BaseSettings"


def test_one_file_reports_each_kind_of_evidence_once() -> None:
    source = "x.model_dump()\ny.model_dump()\nz.model_validate({})\n"
    assert len(scan_evidence("a.py", source)) == 1


def _evidence(specifier: str, strong: bool, path: str = "a.py") -> Evidence:
    return Evidence("pydantic", specifier, strong, path, 1, "code")


def test_strong_evidence_outweighs_weak() -> None:
    combined = combine_evidence(
        "pydantic", [_evidence("<2", False, "old.py"), _evidence(">=2", True, "new.py")]
    )
    assert combined is not None
    bound, source = combined
    assert str(bound.lowest) == "2"
    assert source == "code evidence (new.py:1: code)"


def test_disagreeing_evidence_of_equal_strength_targets_the_older_version() -> None:
    combined = combine_evidence(
        "pydantic", [_evidence(">=2", True, "new.py"), _evidence("<2", True, "old.py")]
    )
    assert combined is not None
    bound, source = combined
    assert bound.describe() == "1.x"
    assert "old.py:1" in source and "wins over new.py:1" in source


def test_floors_combine_to_the_highest() -> None:
    items = [
        Evidence("fastapi", ">=0.93", True, "main.py", 5, "FastAPI(lifespan=...)"),
        Evidence("fastapi", ">=0.95", True, "deps.py", 9, "Annotated[...]"),
    ]
    combined = combine_evidence("fastapi", items)
    assert combined is not None
    assert str(combined[0].lowest) == "0.95"


def test_no_evidence_for_a_package_says_nothing() -> None:
    assert combine_evidence("sqlalchemy", [_evidence("<2", True)]) is None
