"""Whether a receiver is a model: decided in the file, left to the project step, or not."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_lint.analysis.pydantic_models.bindings import Binding, last_name
from fastapi_lint.analysis.pydantic_models.classes import FileModels, Link, import_status
from fastapi_lint.analysis.pydantic_models.v1_names import CONSTRUCTORS, COPIES
from fastapi_lint.fastapi_model.syntax import dotted_name
from fastapi_lint.rule import FileContext

_MAX_COPIES = 8


@dataclass(frozen=True, slots=True)
class Receiver:
    """A receiver's class as the code spells it: ``target``, looked up from ``chain``.

    ``is_type``: ``target`` spells the receiver's class (it must be a class); otherwise
    ``target`` names the receiver itself (a class or an instance). ``attributes`` are read
    on it next (``user.address``). ``is_class``: the receiver is the class itself.
    """

    target: str
    is_type: bool
    attributes: tuple[str, ...]
    is_class: bool
    chain: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class InFile:
    """Decided in the file: the receiver is a model of class ``model``.

    ``generic``: ``model`` is Pydantic's own base (``value: BaseModel``), not a model.
    """

    model: str
    is_class: bool
    generic: bool = False


@dataclass(frozen=True, slots=True)
class Deferred:
    """Left to the project step: the class comes from an import the file cannot judge."""

    receiver: Receiver


class Classifier:
    """Decides, for the node being walked, whether a receiver is a model (see the module)."""

    def __init__(self, context: FileContext) -> None:
        self.context = context

    @property
    def models(self) -> FileModels:
        return self.context.shared(FileModels)

    def chain(self) -> tuple[Link, ...]:
        """The scopes a name is looked up in from the walk's position, innermost first."""
        scopes = self.context.scopes
        first = scopes[0] if scopes else None
        owner = first.name.value if isinstance(first, cst.ClassDef) else None
        links: list[Link] = []
        for index in range(len(scopes) - 1, -1, -1):
            scope = scopes[index]
            if isinstance(scope, cst.ClassDef) and index != len(scopes) - 1:
                continue  # a class body's names are not seen from its methods
            links.append((scope, owner if index == 1 else None))
        links.append((self.context.module, None))
        return tuple(links)

    def classify(self, receiver: cst.BaseExpression, name: str) -> InFile | Deferred | None:
        """``InFile`` when the file knows the receiver is a model, ``Deferred`` when only
        the project can tell, None when it is not a model or nothing says what it is."""
        chain = self.chain()
        found = self.receiver(receiver, chain)
        decided = None if found is None else self.decide(found, name)
        if decided is None and isinstance(receiver, cst.Name):
            narrowed = self._narrowed(receiver, chain)
            decided = None if narrowed is None else self.decide(narrowed, name)
        return decided

    def receiver(self, node: cst.BaseExpression, chain: tuple[Link, ...]) -> Receiver | None:
        if isinstance(node, cst.Name):
            return self._named(node.value, chain)
        if isinstance(node, cst.Attribute):
            dotted = dotted_name(node)
            return None if dotted is None else self._dotted(dotted, chain)
        if isinstance(node, cst.Call):
            return self._made_by(node, chain)
        return None

    def _narrowed(self, node: cst.Name, chain: tuple[Link, ...]) -> Receiver | None:
        """``value`` inside ``if isinstance(value, User):``: an instance of ``User``."""
        narrowed = self.models.narrowed(chain[0][0], node) if chain else None
        return None if narrowed is None else Receiver(narrowed.text, True, (), False, chain)

    def _named(self, name: str, chain: tuple[Link, ...], depth: int = 0) -> Receiver | None:
        found = self.models.lookup(name, chain)
        if found is None:
            return None
        binding, index = found
        here, kind = chain[index:], binding.kind
        if kind in ("type", "class_of"):
            return Receiver(binding.text, True, (), kind == "class_of", here)
        if kind in ("self", "cls"):
            return Receiver(binding.text, True, (), kind == "cls", chain[-1:])
        if kind in ("class", "import"):
            return Receiver(name, False, (), kind == "class", here)
        if kind == "copy_of" and depth < _MAX_COPIES:  # ``x = x.copy()`` must end
            return self._copied(binding.text, here, depth + 1)
        if kind == "element_of":
            return self._element(binding.text, here)
        return None

    def _element(self, collection: str, chain: tuple[Link, ...]) -> Receiver | None:
        """An element of ``collection``, when it is annotated ``list[User]``."""
        found = self.models.lookup(collection, chain)
        if found is None or found[0].kind != "elements":
            return None
        return Receiver(found[0].text, True, (), False, chain[found[1] :])

    def _dotted(self, dotted: str, chain: tuple[Link, ...], depth: int = 0) -> Receiver | None:
        root, _, rest = dotted.partition(".")
        base = self._named(root, chain, depth)
        if not rest or base is None:
            return base
        if base.is_class:  # attributes of a class: not an instance's
            return None
        if base.target == root and not base.is_type:  # ``schemas.User``, ``config.settings``
            return Receiver(dotted, False, (), False, base.chain)
        attributes = base.attributes + tuple(rest.split("."))
        return Receiver(base.target, base.is_type, attributes, False, base.chain)

    def _copied(self, source: str, chain: tuple[Link, ...], depth: int) -> Receiver | None:
        """A copy, or a ``User.parse_obj(...)`` result: an instance of the source's class."""
        made = self._dotted(source, chain, depth)
        if made is None or made.attributes:
            return None
        return Receiver(made.target, made.is_type, (), False, made.chain)

    def _made_by(self, call: cst.Call, chain: tuple[Link, ...]) -> Receiver | None:
        """``User(...)``, ``User.model_validate(...)``, ``user.model_copy()``: a model made."""
        callee = dotted_name(call.func)
        if callee is None:
            return None
        owner, _, method = callee.rpartition(".")
        if owner and (method in CONSTRUCTORS or method in COPIES):
            return self._copied(owner, chain, 0)
        found = self._named(callee.partition(".")[0], chain)
        if found is None or found.is_type:  # ``client.get()``: a method, not a class
            return None
        return Receiver(callee, True, (), False, found.chain)

    def decide(self, receiver: Receiver, name: str, depth: int = 0) -> InFile | Deferred | None:
        root, _, rest = receiver.target.partition(".")
        found = self.models.lookup(root, receiver.chain)
        if found is None:
            return None
        binding, position = found
        local = self.models.module_class(root) if binding.kind == "class" and not rest else None
        if local is not None:
            return self._local(local, receiver, name)
        if binding.kind == "class_of" and receiver.is_type and not rest and depth < _MAX_COPIES:
            # ``Schema: type[BaseModel] = make_model()``, then ``arguments: Schema``
            spelled = Receiver(
                binding.text,
                True,
                receiver.attributes,
                receiver.is_class,
                (receiver.chain[position:]),
            )
            return self.decide(spelled, name, depth + 1)
        return _imported(binding, receiver) if binding.kind == "import" else None

    def _local(self, node: cst.ClassDef, receiver: Receiver, name: str) -> InFile | Deferred | None:
        if receiver.attributes:
            return Deferred(receiver)
        status, names = self.models.chain_of(node)
        if name in names:  # the class (or a base the file defines) has its own ``dict``...
            return None
        if status == "model":
            return InFile(node.name.value, receiver.is_class)
        return Deferred(receiver) if status == "unknown" else None


def _imported(binding: Binding, receiver: Receiver) -> InFile | Deferred | None:
    """A receiver whose name is imported: a model when the import says so, else unknown."""
    status = import_status(binding, receiver.target)
    if status == "model" and not receiver.attributes:
        return InFile(last_name(binding.text), receiver.is_class, generic=True)
    return Deferred(receiver) if status == "unknown" else None
