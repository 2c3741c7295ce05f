"""FAPI601's fix: a v1 ``class Config:`` becomes ``model_config = ConfigDict(...)``.

Pydantic v2 reads the inner class as a plain dict of its attributes (``prepare_config``),
so a key valid in v2 means exactly the same as a ``ConfigDict`` argument. A v1 key that
v2 renamed (``orm_mode``) is only warned about and ignored in the inner class, and takes
effect once written ``from_attributes=``: that translation is what the v1 code asked for,
but it changes what runs today, so it makes the fix unsafe. Anything else (a method, a
docstring, a key v2 removed or does not know, a value that may read another name of the
class body) means no fix.

The ``ConfigDict(...)`` call is on one line when it fits and nothing needs a line of its
own; otherwise one argument a line, where the old assignments were, with their comments.

One piece: the translation of one ``Config`` class, key by key, and the layout of the call
that replaces it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import libcst as cst

from fastapi_lint.fastapi_model.syntax import assigned_names
from fastapi_lint.tree import children

# Pydantic v2's ``V2_RENAMED_KEYS`` (pydantic/_internal/_config.py).
V2_RENAMED = {
    "allow_population_by_field_name": "populate_by_name",
    "anystr_lower": "str_to_lower",
    "anystr_strip_whitespace": "str_strip_whitespace",
    "anystr_upper": "str_to_upper",
    "keep_untouched": "ignored_types",
    "max_anystr_length": "str_max_length",
    "min_anystr_length": "str_min_length",
    "orm_mode": "from_attributes",
    "schema_extra": "json_schema_extra",
    "validate_all": "validate_default",
}
# ``ConfigDict``'s keys (pydantic 2.11), the v1 ones v2 kept included.
_V2_KEYS = frozenset(
    {
        "title",
        "model_title_generator",
        "field_title_generator",
        "str_to_lower",
        "str_to_upper",
        "str_strip_whitespace",
        "str_min_length",
        "str_max_length",
        "extra",
        "frozen",
        "populate_by_name",
        "use_enum_values",
        "validate_assignment",
        "arbitrary_types_allowed",
        "from_attributes",
        "loc_by_alias",
        "alias_generator",
        "ignored_types",
        "allow_inf_nan",
        "json_schema_extra",
        "json_encoders",
        "strict",
        "revalidate_instances",
        "ser_json_timedelta",
        "ser_json_bytes",
        "val_json_bytes",
        "ser_json_inf_nan",
        "validate_default",
        "validate_return",
        "protected_namespaces",
        "hide_input_in_errors",
        "defer_build",
        "plugin_settings",
        "schema_generator",
        "json_schema_serialization_defaults_required",
        "json_schema_mode_override",
        "coerce_numbers_to_str",
        "regex_engine",
        "validation_error_cause",
        "use_attribute_docstrings",
        "cache_strings",
        "validate_by_alias",
        "validate_by_name",
        "serialize_by_alias",
    }
)
# ``SettingsConfigDict``'s own keys (pydantic-settings 2), for ``BaseSettings`` models.
_SETTINGS_KEYS = frozenset(
    {
        "case_sensitive",
        "env_prefix",
        "env_file",
        "env_file_encoding",
        "env_ignore_empty",
        "env_nested_delimiter",
        "env_nested_max_split",
        "env_parse_none_str",
        "env_parse_enums",
        "secrets_dir",
        "json_file",
        "json_file_encoding",
        "yaml_file",
        "yaml_file_encoding",
        "toml_file",
        "enable_decoding",
        "nested_model_default_partial_update",
    }
)
_EXTRA = frozenset({"pydantic.Extra", "pydantic.config.Extra"})
_EXTRA_VALUES = frozenset({"allow", "ignore", "forbid"})
_LINE_LENGTH = 88  # past it, the call goes one argument a line, as formatters would
Resolve = Callable[[cst.BaseExpression], str | None]


@dataclass(frozen=True, slots=True)
class Entry:
    """One ``key = value`` of the inner class, as a ``ConfigDict`` argument."""

    key: str
    value: cst.BaseExpression
    leading: tuple[cst.EmptyLine, ...]  # comment lines above it
    trailing: cst.TrailingWhitespace  # the end of its line, comment included
    renamed: bool  # a v1 key: v2 ignores it in the inner class, honours the new one


@dataclass(frozen=True, slots=True)
class Translation:
    """The inner class read as ``ConfigDict`` arguments, with the comments around them."""

    entries: tuple[Entry, ...]
    v1_keys: frozenset[str]  # the names the inner class bound: the values must not read them
    header: cst.TrailingWhitespace  # ``class Config:  # comment``
    footer: tuple[cst.EmptyLine, ...]  # comment lines closing the inner class
    indent: str  # the inner class's body, relative to the model's

    @property
    def renamed(self) -> bool:
        return any(entry.renamed for entry in self.entries)

    @property
    def comments(self) -> bool:
        lines = [*self.footer, *(line for entry in self.entries for line in entry.leading)]
        ends = [self.header, *(entry.trailing for entry in self.entries)]
        return bool(lines) or any(end.comment is not None for end in ends)


# -- reading the inner class ---------------------------------------------------------------


def _plain(config: cst.ClassDef) -> bool:
    """No base (``Config(BaseConfig)``), decorator, keyword or type parameter."""
    return not (config.bases or config.keywords or config.decorators or config.type_parameters)


_Line = tuple[cst.BaseSmallStatement, cst.SimpleStatementLine]


def _lines(config: cst.ClassDef) -> list[_Line]:
    """Each statement of the body with its line; an empty list if one is not a plain line."""
    body = config.body
    if isinstance(body, cst.SimpleStatementSuite):
        line = cst.SimpleStatementLine(body.body, trailing_whitespace=body.trailing_whitespace)
        return [(small, line) for small in body.body] if len(body.body) == 1 else []
    statements = list(body.body)
    if not all(isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 for s in statements):
        return []
    return [(s.body[0], s) for s in statements if isinstance(s, cst.SimpleStatementLine)]


def _comments(lines: Sequence[cst.EmptyLine]) -> tuple[cst.EmptyLine, ...]:
    return tuple(line for line in lines if line.comment is not None)


def _is_placeholder(small: cst.BaseSmallStatement, line: cst.SimpleStatementLine) -> bool:
    """``pass`` or ``...`` without a comment: nothing to carry over."""
    empty = isinstance(small, cst.Pass) or (
        isinstance(small, cst.Expr) and isinstance(small.value, cst.Ellipsis)
    )
    return empty and not _comments(line.leading_lines) and line.trailing_whitespace.comment is None


def _assignment(small: cst.BaseSmallStatement) -> tuple[str, cst.BaseExpression] | None:
    if not isinstance(small, cst.Assign) or len(small.targets) != 1:
        return None
    target = small.targets[0].target
    return (target.value, small.value) if isinstance(target, cst.Name) else None


def _v2_entry(
    key: str, value: cst.BaseExpression, settings: bool, resolve: Resolve
) -> Entry | None:
    """The v2 key and value of a v1 one; None when v2 has no equal of it."""
    no_line = cst.TrailingWhitespace()
    if key in V2_RENAMED:
        return Entry(V2_RENAMED[key], value, (), no_line, renamed=True)
    if key == "allow_mutation":
        literal = value.value if isinstance(value, cst.Name) else ""
        frozen = {"True": "False", "False": "True"}.get(literal)
        return Entry("frozen", cst.Name(frozen), (), no_line, True) if frozen else None
    if key == "extra":
        value = _extra_value(value, resolve)
    if key in _V2_KEYS or (settings and key in _SETTINGS_KEYS):
        return Entry(key, value, (), no_line, renamed=False)
    return None


def _extra_value(value: cst.BaseExpression, resolve: Resolve) -> cst.BaseExpression:
    """``Extra.forbid`` is the string ``"forbid"`` in v2 (and deprecated)."""
    qualified = resolve(value) if isinstance(value, cst.Attribute) else None
    owner, _, member = (qualified or "").rpartition(".")
    if owner in _EXTRA and member in _EXTRA_VALUES:
        return cst.SimpleString(f'"{member}"')
    return value


def translate(config: cst.ClassDef, settings: bool, resolve: Resolve) -> Translation | None:
    """The inner class as ``ConfigDict`` arguments; None if something has no translation."""
    lines = _lines(config) if _plain(config) else []
    entries = _entries(lines, settings, resolve) if lines else None
    if entries is None or len({entry.key for entry in entries}) != len(entries):
        return None  # ``orm_mode`` and ``from_attributes`` both: one keyword, twice
    keys = frozenset(assigned[0] for small, _ in lines if (assigned := _assignment(small)))
    return _translation(config, tuple(entries), keys)


def _entries(lines: list[_Line], settings: bool, resolve: Resolve) -> list[Entry] | None:
    entries: list[Entry] = []
    for small, line in lines:
        if _is_placeholder(small, line):
            continue
        assigned = _assignment(small)
        entry = _v2_entry(*assigned, settings, resolve) if assigned else None
        if entry is None:
            return None
        leading = _comments(line.leading_lines)
        entries.append(_placed(entry, leading, line.trailing_whitespace))
    return entries


def _placed(
    entry: Entry, leading: tuple[cst.EmptyLine, ...], trailing: cst.TrailingWhitespace
) -> Entry:
    return Entry(entry.key, entry.value, leading, trailing, entry.renamed)


def _translation(
    config: cst.ClassDef, entries: tuple[Entry, ...], keys: frozenset[str]
) -> Translation:
    body = config.body
    if isinstance(body, cst.IndentedBlock):
        footer = _comments(body.footer)
        return Translation(entries, keys, body.header, footer, body.indent or "")
    return Translation(entries, keys, cst.TrailingWhitespace(), (), "")


def reads_any(translation: Translation, names: set[str]) -> bool:
    """Whether a value may read one of ``names`` (or a key of the inner class itself)."""
    taken = names | translation.v1_keys
    return any(name in taken for entry in translation.entries for name in read_names(entry.value))


# -- names the values read -----------------------------------------------------------------


def read_names(node: cst.CSTNode) -> Iterator[str]:
    """Every name ``node`` may read (or bind, inside a lambda or comprehension): over-counted,
    never under-counted. Attribute names and keyword names are not names read."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            yield current.value
        elif isinstance(current, cst.Attribute | cst.Arg):
            stack.append(current.value)
        else:
            stack.extend(children(current))


def class_bound_names(body: Sequence[cst.BaseStatement]) -> set[str] | None:
    """Names the class body binds; None when a statement binds what cannot be told."""
    names: set[str] = set()
    for statement in body:
        if isinstance(statement, cst.FunctionDef | cst.ClassDef):
            names.add(statement.name.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                names.update(_small_bound_names(small))
        else:
            return None  # ``if``/``for``/``try`` in a class body: rare, and not worth a guess
    return names


def _small_bound_names(small: cst.BaseSmallStatement) -> Iterator[str]:
    if _walrus_in(small):  # ``x = (y := 1)`` binds ``y`` too: count every name
        yield from read_names(small)
    if isinstance(small, cst.Assign):
        for target in small.targets:
            yield from assigned_names(target.target)
    elif isinstance(small, cst.AnnAssign | cst.AugAssign):
        yield from assigned_names(small.target)
    elif isinstance(small, cst.Import | cst.ImportFrom) and not isinstance(
        small.names, cst.ImportStar
    ):
        for alias in small.names:
            yield alias.evaluated_alias or alias.evaluated_name.partition(".")[0]


def _walrus_in(node: cst.CSTNode) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.NamedExpr):
            return True
        stack.extend(children(current))
    return False


# -- writing ``model_config = ConfigDict(...)`` ----------------------------------------------


def config_statement(
    config: cst.ClassDef, translation: Translation, callee: cst.BaseExpression, indent: int
) -> cst.SimpleStatementLine:
    """The statement replacing ``config``, whose line starts ``indent`` columns in."""
    one_line = _statement(config, _call(callee, [_argument(e) for e in translation.entries]))
    fits = indent + len(cst.Module([]).code_for_node(one_line).rstrip("\n")) <= _LINE_LENGTH
    if fits and not translation.comments and "\n" not in _values_code(translation):
        return one_line
    return _statement(config, _spread_call(callee, translation))


def _values_code(translation: Translation) -> str:
    return "".join(cst.Module([]).code_for_node(entry.value) for entry in translation.entries)


def _statement(config: cst.ClassDef, call: cst.Call) -> cst.SimpleStatementLine:
    assign = cst.Assign(targets=[cst.AssignTarget(cst.Name("model_config"))], value=call)
    return cst.SimpleStatementLine(body=[assign], leading_lines=config.leading_lines)


def _call(callee: cst.BaseExpression, args: Sequence[cst.Arg]) -> cst.Call:
    return cst.Call(func=callee, args=args)


def _argument(entry: Entry, value: cst.BaseExpression | None = None) -> cst.Arg:
    no_space = cst.SimpleWhitespace("")
    return cst.Arg(
        keyword=cst.Name(entry.key),
        value=value or entry.value,
        equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space),
    )


def _spread_call(callee: cst.BaseExpression, translation: Translation) -> cst.Call:
    """One argument a line, each with the comments of its old line, and a trailing comma."""
    indent = translation.indent or "    "
    shift = _Shift(indent)
    entries = translation.entries
    args: list[cst.Arg] = []
    for index, entry in enumerate(entries):
        last = index == len(entries) - 1
        after = translation.footer if last else entries[index + 1].leading
        following = _break(
            entry.trailing, [shift.line(line) for line in after], "" if last else indent
        )
        value = entry.value.visit(shift)
        assert isinstance(value, cst.BaseExpression)
        args.append(
            _argument(entry, value).with_changes(comma=cst.Comma(whitespace_after=following))
        )
    first = entries[0].leading if entries else translation.footer
    opening = _break(
        translation.header, [shift.line(line) for line in first], indent if entries else ""
    )
    return cst.Call(func=callee, args=args, whitespace_before_args=opening)


def _break(
    end: cst.TrailingWhitespace, lines: Sequence[cst.EmptyLine], indent: str
) -> cst.ParenthesizedWhitespace:
    """The end of a line (its comment kept), comment lines, and the next line's indentation."""
    space = end.whitespace if end.comment is not None else cst.SimpleWhitespace("")
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(whitespace=space, comment=end.comment),
        empty_lines=lines,
        indent=True,
        last_line=cst.SimpleWhitespace(indent),
    )


class _Shift(cst.CSTTransformer):
    """Keeps a moved value's inner lines where they were: the inner class's body was one
    indentation deeper than the arguments' statement, so that indentation is added."""

    def __init__(self, indent: str) -> None:
        super().__init__()
        self.indent = indent

    def line(self, line: cst.EmptyLine) -> cst.EmptyLine:
        if not line.indent:
            return line
        return line.with_changes(
            whitespace=cst.SimpleWhitespace(self.indent + line.whitespace.value)
        )

    def leave_EmptyLine(
        self, original_node: cst.EmptyLine, updated_node: cst.EmptyLine
    ) -> cst.EmptyLine:
        return self.line(updated_node)

    def leave_ParenthesizedWhitespace(
        self, original_node: cst.ParenthesizedWhitespace, updated_node: cst.ParenthesizedWhitespace
    ) -> cst.ParenthesizedWhitespace:
        if not updated_node.indent:
            return updated_node
        last = cst.SimpleWhitespace(self.indent + updated_node.last_line.value)
        return updated_node.with_changes(last_line=last)
