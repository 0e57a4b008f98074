"""Records without ``dataclasses``, for the modules the guard loads on every call its prescreen
cannot settle: importing ``dataclasses`` (with ``inspect``, ``ast``, ``dis``, ``tokenize``) costs
47 M instructions, and building one frozen dataclass about 4 M more, because each generated
method is compiled with ``exec``; here the methods are shared closures.

The semantics are ``@dataclass`` for what this code base uses: fields in definition order
(bases first), defaults and ``field(default=..., default_factory=..., compare=False)``,
positional or keyword construction, ``frozen``, ``==`` and ``hash`` over the compared fields
(``__hash__`` is None on a record that is not frozen, as with dataclasses), ``repr``,
``replace`` and ``asdict``. Methods a class defines itself are kept. Type checkers are shown
``dataclasses`` itself, so they check these records exactly as dataclasses.
"""
# The runtime half below is invisible to type checkers (they are shown dataclasses), so its
# signatures go unannotated; the generated dunder methods are closures by design.
# ruff: noqa: ANN001, ANN002, ANN003, ANN201, ANN202, ANN204, N807, RUF063

TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import asdict, field, replace
    from dataclasses import dataclass as record
else:
    _MISSING = object()

    class FrozenInstanceError(AttributeError):
        """Assigning to a field of a frozen record."""

    class _Field:
        __slots__ = ("compare", "default", "factory")

        def __init__(self, default, factory, compare):
            self.default = default
            self.factory = factory
            self.compare = compare

    class _Spec:
        """What a record class is made of: field names, defaults, factories, compared names."""

        __slots__ = ("compared", "defaults", "factories", "frozen", "names")

        def __init__(self, names, defaults, factories, compared, frozen):
            self.names = names
            self.defaults = defaults
            self.factories = factories
            self.compared = compared
            self.frozen = frozen

    def field(*, default=_MISSING, default_factory=_MISSING, compare=True):
        return _Field(default, default_factory, compare)

    def record(cls=None, /, *, frozen=False):
        def wrap(klass):
            return _build(klass, frozen)

        return wrap if cls is None else wrap(cls)

    def _build(cls, frozen):
        names, defaults, factories, compared = [], {}, {}, []
        for base in reversed(cls.__mro__[1:]):
            spec = base.__dict__.get("__record__")
            if spec is not None:
                for name in spec.names:
                    if name not in names:
                        names.append(name)
                defaults.update(spec.defaults)
                factories.update(spec.factories)
                compared = [n for n in compared if n not in spec.names] + list(spec.compared)
        for name, annotation in cls.__dict__.get("__annotations__", {}).items():
            if "ClassVar" in str(annotation):
                continue
            value = cls.__dict__.get(name, _MISSING)
            compare = True
            defaults.pop(name, None)
            factories.pop(name, None)
            if isinstance(value, _Field):
                compare = value.compare
                if value.factory is not _MISSING:
                    factories[name] = value.factory
                    delattr(cls, name)
                elif value.default is not _MISSING:
                    defaults[name] = value.default
                    setattr(cls, name, value.default)
                else:
                    delattr(cls, name)
            elif value is not _MISSING:
                defaults[name] = value
            if name not in names:
                names.append(name)
            if compare and name not in compared:
                compared.append(name)
            elif not compare and name in compared:
                compared.remove(name)
        compared = [n for n in names if n in compared]
        spec = _Spec(tuple(names), defaults, factories, tuple(compared), frozen)
        cls.__record__ = spec
        cls.__match_args__ = spec.names
        own = cls.__dict__
        if "__init__" not in own:
            cls.__init__ = _init(cls, spec)
        if "__repr__" not in own:
            cls.__repr__ = _repr(spec)
        if "__eq__" not in own:
            cls.__eq__ = _eq(spec)
        if "__hash__" not in own or own["__hash__"] is None:
            cls.__hash__ = _hash(spec) if frozen else None
        if frozen:
            cls.__setattr__ = _frozen_setattr
            cls.__delattr__ = _frozen_delattr
        return cls

    def _init(cls, spec):
        names, defaults, factories = spec.names, spec.defaults, spec.factories
        count = len(names)
        title = cls.__qualname__

        def __init__(self, *args, **kwargs):
            if len(args) > count:
                raise TypeError(f"{title}() takes {count} arguments but {len(args)} were given")
            setter = object.__setattr__
            for i, name in enumerate(names):
                if i < len(args):
                    if name in kwargs:
                        raise TypeError(f"{title}() got multiple values for argument {name!r}")
                    value = args[i]
                elif name in kwargs:
                    value = kwargs.pop(name)
                elif name in defaults:
                    value = defaults[name]
                elif name in factories:
                    value = factories[name]()
                else:
                    raise TypeError(f"{title}() missing required argument: {name!r}")
                setter(self, name, value)
            if kwargs:
                raise TypeError(
                    f"{title}() got an unexpected keyword argument {next(iter(kwargs))!r}"
                )

        return __init__

    def _repr(spec):
        names = spec.names

        def __repr__(self):
            inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in names)
            return f"{type(self).__qualname__}({inner})"

        return __repr__

    def _eq(spec):
        compared = spec.compared

        def __eq__(self, other):
            if other.__class__ is not self.__class__:
                return NotImplemented
            return all(getattr(self, n) == getattr(other, n) for n in compared)

        return __eq__

    def _hash(spec):
        compared = spec.compared

        def __hash__(self):
            return hash(tuple(getattr(self, n) for n in compared))

        return __hash__

    def _frozen_setattr(self, name, value):
        if name in type(self).__record__.names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    def _frozen_delattr(self, name):
        if name in type(self).__record__.names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        object.__delattr__(self, name)

    def replace(obj, /, **changes):
        spec = type(obj).__record__
        for name in spec.names:
            if name not in changes:
                changes[name] = getattr(obj, name)
        return type(obj)(**changes)

    def asdict(obj):
        return _plain(obj)

    def _plain(value):
        spec = getattr(type(value), "__record__", None)
        if spec is not None:
            return {n: _plain(getattr(value, n)) for n in spec.names}
        if isinstance(value, (list, tuple)):
            return type(value)(_plain(v) for v in value)
        if isinstance(value, dict):
            return {_plain(k): _plain(v) for k, v in value.items()}
        return value


__all__ = ["asdict", "field", "record", "replace"]
