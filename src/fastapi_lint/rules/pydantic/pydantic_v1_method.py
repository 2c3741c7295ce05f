"""FAPI603: a Pydantic v1 method (``.dict()``, ``.parse_obj()``...) called on a known model."""

from __future__ import annotations

from collections.abc import Iterator
from types import MappingProxyType
from typing import ClassVar

import libcst as cst

from fastapi_lint.analysis.pydantic_models.calls import Checked, v1_attribute, v1_call
from fastapi_lint.analysis.pydantic_models.fixes import rename_fix
from fastapi_lint.analysis.pydantic_models.receivers import Classifier, InFile
from fastapi_lint.analysis.pydantic_models.v1_names import MODEL_BASES, V1_NAMES
from fastapi_lint.context.roles import Role
from fastapi_lint.models import Edit, Fix
from fastapi_lint.project_model.project import (
    ClassRef,
    ExternalRef,
    FunctionRef,
    InstanceRef,
    Module,
    Project,
    Symbol,
)
from fastapi_lint.rule import FileContext, Invalid, ProjectFinding, ProjectRule, Valid
from fastapi_lint.summary.records import ModelMethodCall

# A receiver longer than this is not quoted in the message.
_MAX_SHOWN = 40


def _shown(name: str) -> str:
    return f"`.{name}`" if name.startswith("__") else f"`.{name}()`"


def _advice(method: str, model: str) -> str:
    """What to call instead, with the model's name where the advice spells a class."""
    return V1_NAMES[method].advice.replace("Model.", f"{model}.")


def _fixes(name: str, fixable: bool, is_class: bool) -> bool:
    """Whether the finding gets the rename: the arguments allow it, and the receiver too."""
    v1 = V1_NAMES[name]
    return fixable and v1.rename is not None and (is_class or not v1.class_only)


def _site_fix(site: ModelMethodCall) -> Fix:
    """The rename as text edits, with the argument ``from_orm``'s v2 method needs."""
    v1 = V1_NAMES[site.method]
    rename = v1.rename or ""
    edits = [Edit(site.line, site.column, site.line, site.end_column, rename)]
    if v1.appended and site.appended_line:
        line, column = site.appended_line, site.appended_column
        edits.append(Edit(line, column, line, column, f", {v1.appended}"))
    return Fix("safe", f"Use `{rename}`", tuple(edits))


class ProjectModels:
    """Which classes of the project are Pydantic models, through bases in any module."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._known: dict[ClassRef, bool] = {}

    def is_model(self, cls: ClassRef) -> bool:
        known = self._known.get(cls)
        if known is None:
            self._known[cls] = False  # a class deriving from itself
            known = any(self._is_model_base(cls.module, base) for base in self._bases(cls))
            self._known[cls] = known
        return known

    def _bases(self, cls: ClassRef) -> tuple[str, ...]:
        module = self.project.modules.get(cls.module)
        classes = module.summary.classes if module is not None else ()
        return next((c.bases for c in classes if c.name == cls.name), ())

    def _is_model_base(self, module: str, base: str) -> bool:
        found = self.project.resolve(module, base)
        if isinstance(found, ExternalRef):
            return found.qualified in MODEL_BASES
        return isinstance(found, ClassRef) and self.is_model(found)

    def receiver(self, module: Module, site: ModelMethodCall) -> Symbol | None:
        """What the receiver of ``site`` resolves to: a class, or an instance of one."""
        scope = self.project.function(FunctionRef(module.name, site.scope)) if site.scope else None
        found = self.project.resolve(module.name, site.target, scope)
        if site.is_type and not isinstance(found, ClassRef):
            return None  # ``x = make_user()``: a function, not a class
        for attribute in site.attributes.split(".") if site.attributes else ():
            found = self.project.attribute(found, attribute) if found is not None else None
            if not isinstance(found, InstanceRef):
                return None  # only typed attributes hold an instance of a known class
        return found


class PydanticV1Method(ProjectRule):
    """
    ## What it does
    Flags Pydantic v1 methods called on a value known to be a Pydantic model: `.dict()`,
    `.json()`, `.copy()`, `.parse_obj()`, `.parse_raw()`, `.parse_file()`, `.from_orm()`,
    `.construct()`, `.schema()`, `.schema_json()`, `.update_forward_refs()`, `.validate()`
    and the `__fields__` / `__fields_set__` attributes.

    A value is known to be a model when its class is one of the project's classes that
    inherits from `pydantic.BaseModel`, `pydantic_settings.BaseSettings`, `RootModel` or
    `sqlmodel.SQLModel` (directly or through other project classes, in this module or
    another one), and the code says the value is of that class: a parameter or variable
    annotation (`user: User`, `Optional[User]`, `Annotated[User, ...]`, `type[User]`), a
    constructor (`User(...)`, `User.model_validate(...)`), the class itself
    (`User.parse_obj(...)`), `self`/`cls` in the model's own methods, or a typed attribute
    of such a value (`order.customer.dict()`).

    ## Why is this bad?
    Pydantic v2 renamed these methods (`model_dump`, `model_dump_json`, `model_copy`,
    `model_validate`, `model_validate_json`, `model_construct`, `model_json_schema`,
    `model_rebuild`, `model_fields`). The v1 names still work with a deprecation warning
    on every call, and will be removed in Pydantic v3; some of their arguments (`.json()`
    with `json.dumps` keyword arguments, `.copy(include=...)`) already fail or differ.

    ## Example
    ```python
    from pydantic import BaseModel


    class User(BaseModel):
        name: str


    def save(payload: str) -> str:
        user = User.parse_raw(payload)
        return user.json(exclude_none=True)
    ```

    ## Use instead
    ```python
    def save(payload: str) -> str:
        user = User.model_validate_json(payload)
        return user.model_dump_json(exclude_none=True)
    ```

    ## Options
    None.

    ## Known limitations
    Precision first: a value whose class the code does not spell out is never flagged,
    so `response.json()` on an HTTP response or `data.copy()` on a dict stay quiet, and
    so does a model returned by a function (`user = await get_user(id)`), taken from a
    collection (`for user in users`) or passed in without an annotation. A name bound to
    two different things in one function is not judged. Classes of the project are
    followed across modules only when the project is linted together (FAPI603 runs with
    the whole-project step). A class that defines (or inherits from a project class) its
    own method of the same name is left alone. Models built on `pydantic.v1` are not
    flagged, nor are models of third-party packages. Generic bases written with
    subscripts (`class Page(Base[T])`) are followed within a module only.

    ## Fix safety
    The fix renames the method when Pydantic v2's deprecated method is only a call of the
    new one with the same arguments: `.dict()`/`.json()` with `include`, `exclude`,
    `by_alias`, `exclude_unset`, `exclude_defaults`, `exclude_none` only; `.copy()` with
    `update`/`deep` only; `parse_obj`, `parse_raw` and `validate` with their one positional
    argument; `construct`; `schema` with `by_alias`/`ref_template`; `__fields__` read on
    the class; `__fields_set__`. Other arguments get no fix.

    `from_orm(obj)` becomes `model_validate(obj, from_attributes=True)`. v2's `from_orm`
    raises an error unless the model config sets `from_attributes=True` (a v1 `orm_mode`
    in `class Config` does not: see FAPI601), and then returns `model_validate(obj)`. The
    argument makes the call read attributes whatever the configs say, nested models
    included: where `from_orm` worked the result is the same, and what changes is only
    that calls which failed (no `from_attributes` in the config, or in a nested model's)
    now do what `from_orm` was meant to do. Only `from_orm` with its one positional
    argument gets the fix. The fixed code needs Pydantic v2.
    """

    code = "FAPI603"
    name = "pydantic-v1-method"
    family = "pydantic"
    roles = frozenset({Role.APP, Role.SCRIPT})
    requires = MappingProxyType({"pydantic": ">=2"})
    severity = "warning"
    fixable = True
    message = "{shown} is Pydantic v1 API, deprecated on {receiver}; use {advice}"

    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "import httpx\n"
            "from pydantic import BaseModel\n\n\n"
            "class User(BaseModel):\n"
            "    name: str\n\n\n"
            "async def fetch(url: str) -> dict:\n"
            "    async with httpx.AsyncClient() as client:\n"
            "        response = await client.get(url)\n"
            "    data = response.json()\n"
            "    user = User.model_validate(data)\n"
            "    return {**data.copy(), **user.model_dump()}\n"
        ),
        Valid(
            "from pydantic.v1 import BaseModel\n\n\n"
            "class User(BaseModel):\n"
            "    name: str\n\n\n"
            "def dump(user: User) -> dict:\n"
            "    return user.dict()\n"
        ),
        Valid(
            "from pydantic import BaseModel\n\n\n"
            "class Report(BaseModel):\n"
            "    rows: list[int]\n\n"
            "    def json(self) -> str:\n"
            "        return str(self.rows)\n\n\n"
            "def render(report: Report) -> str:\n"
            "    return report.json()\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from pydantic import BaseModel\n\n\n"
            "class User(BaseModel):\n"
            "    name: str\n\n\n"
            "def dump(user: User) -> dict:\n"
            "    return user.dict(exclude_none=True)\n",
            line=9,
            column=17,
            message_contains="`.dict()` is Pydantic v1 API, deprecated on model `User`; "
            "use `.model_dump()`",
        ),
        Invalid(
            "from pydantic import BaseModel\n\n\n"
            "class Base(BaseModel):\n"
            "    id: int\n\n\n"
            "class Item(Base):\n"
            "    name: str\n\n\n"
            "def load(raw: str) -> Item:\n"
            "    return Item.parse_raw(raw)\n",
            line=13,
            column=17,
            message_contains="use `.model_validate_json()`",
        ),
        Invalid(
            "from pydantic_settings import BaseSettings\n\n\n"
            "class Settings(BaseSettings):\n"
            "    debug: bool = False\n\n"
            "    def public(self) -> dict:\n"
            "        return self.dict(exclude={'debug'})\n",
            line=8,
            column=21,
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._classifier = Classifier(context)

    def visit_Call(self, node: cst.Call) -> None:
        self._check(v1_call(node))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._check(v1_attribute(node))

    def _check(self, checked: Checked | None) -> None:
        if checked is None:
            return
        decided = self._classifier.classify(checked.receiver, checked.name.value)
        if not isinstance(decided, InFile):
            return  # a Deferred call is the project step's (see ``check_project``)
        method = checked.name.value
        fixed = _fixes(method, checked.fixable, decided.is_class)
        self.report(
            checked.name,
            shown=_shown(method),
            receiver=self._receiver(checked.receiver, decided),
            advice=_advice(method, decided.model),
            fix=rename_fix(checked) if fixed else None,
        )

    def _receiver(self, node: cst.BaseExpression, decided: InFile) -> str:
        """``model `User```; for Pydantic's own base, the receiver as written."""
        if not decided.generic:
            return f"model `{decided.model}`"
        kind = "a Pydantic model class" if decided.is_class else "a Pydantic model"
        code = " ".join(self.context.module.code_for_node(node).split())
        return f"`{code}`, {kind}" if len(code) <= _MAX_SHOWN else kind

    @classmethod
    def check_project(cls, project: Project) -> Iterator[ProjectFinding]:
        models = project.analysis(ProjectModels)
        for module in project.modules.values():
            for site in module.summary.model_calls:
                finding = cls._finding(models, module, site)
                if finding is not None:
                    yield finding

    @classmethod
    def _finding(
        cls, models: ProjectModels, module: Module, site: ModelMethodCall
    ) -> ProjectFinding | None:
        found = models.receiver(module, site)
        model = found.cls if isinstance(found, InstanceRef) else found
        if not isinstance(model, ClassRef) or not models.is_model(model):
            return None
        if models.project.member(model, site.method) is not None:
            return None  # the project's class defines its own ``dict``...
        message = cls.message.format(
            shown=_shown(site.method),
            receiver=f"model `{model.name}`",
            advice=_advice(site.method, model.name),
        )
        named_class = isinstance(found, ClassRef) and not (site.is_type or site.attributes)
        is_class = site.is_class or named_class
        fix = _site_fix(site) if _fixes(site.method, site.fixable, is_class) else None
        return ProjectFinding(
            module.path, site.line, site.column, site.end_column, message, fix=fix
        )
