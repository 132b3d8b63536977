from __future__ import annotations

from smokegen.model import BindingKind
from tests.helpers import scan_code


def test_bindings_of_every_kind() -> None:
    module = scan_code(
        """
        import os.path
        import json as j
        from x import y, z as w
        from m import *
        def f(): pass
        async def g(): pass
        class C: pass
        a = b = 1
        (c, [d, *e]) = range(4)
        n: int = 1
        annotated_only: str
        counter += 1
        obj.attr = 1
        items[0] = 1
        for loop_var in ():
            pass
        with open("f") as (fh):
            pass
        if (found := 3):
            pass
        type Alias = list[int]
        """
    )
    kinds = {b.name: b.kind for b in module.bindings}
    assert kinds == {
        "os": BindingKind.IMPORT,
        "j": BindingKind.IMPORT,
        "y": BindingKind.IMPORT,
        "w": BindingKind.IMPORT,
        "f": BindingKind.FUNCTION,
        "g": BindingKind.FUNCTION,
        "C": BindingKind.CLASS,
        "a": BindingKind.ASSIGNMENT,
        "b": BindingKind.ASSIGNMENT,
        "c": BindingKind.ASSIGNMENT,
        "d": BindingKind.ASSIGNMENT,
        "e": BindingKind.ASSIGNMENT,
        "n": BindingKind.ASSIGNMENT,
        "annotated_only": BindingKind.ANNOTATION,
        "counter": BindingKind.ASSIGNMENT,
        "loop_var": BindingKind.ASSIGNMENT,
        "fh": BindingKind.ASSIGNMENT,
        "found": BindingKind.ASSIGNMENT,
        "Alias": BindingKind.TYPE_ALIAS,
    }
    first = {b.name: (b.location.line, b.location.column) for b in module.bindings}
    assert first["f"] == (5, 1) and first["C"] == (7, 1) and first["y"] == (3, 1)


def test_first_binding_and_conditional_flag() -> None:
    module = scan_code(
        """
        try:
            import orjson as json
        except ImportError:
            import json
        if FLAG:
            only_sometimes = 1
        always = 1
        if FLAG:
            always = 2
        """
    )
    found = {b.name: b for b in module.bindings}
    assert found["json"].location.line == 2 and not found["json"].conditional
    assert found["only_sometimes"].conditional
    assert not found["always"].conditional


def test_type_checking_names_do_not_exist_at_run_time() -> None:
    module = scan_code(
        """
        if TYPE_CHECKING:
            from a import OnlyForMypy
        else:
            RuntimeName = None
        """
    )
    assert module.bound_names() == {"RuntimeName"}
    typing_only = [b for b in module.bindings if b.type_only]
    assert [b.name for b in typing_only] == ["OnlyForMypy"]


def test_names_inside_functions_and_classes_are_not_module_names_noop() -> None:
    module = scan_code(
        """
        def f():
            local = 1
            import json
        class C:
            attr = 1
            def m(self): pass
        """
    )
    assert {b.name for b in module.bindings} == {"f", "C"}


def test_all_literal_forms() -> None:
    module = scan_code(
        """
        __all__ = ["a", "b"]
        __all__ += ("c",)
        __all__.extend(["d"])
        __all__.append("e")
        __all__.remove("b")
        """
    )
    assert module.all_names == ("a", "c", "d", "e")
    assert not module.dynamic_all


def test_all_concatenation_and_dynamic_parts() -> None:
    module = scan_code('__all__ = ["a"] + other.__all__ + ["b"]\n')
    assert module.all_names == ("a", "b")
    assert module.dynamic_all


def test_all_absent_noop() -> None:
    module = scan_code("x = 1\n")
    assert module.all_names is None and not module.dynamic_all


def test_lazy_loader_getattr_and_all() -> None:
    module = scan_code("__getattr__, __dir__, __all__ = lazy.attach(__name__, submodules=['x'])\n")
    assert module.has_getattr
    assert module.dynamic_all


def test_module_getattr_function() -> None:
    assert scan_code("def __getattr__(name):\n    raise AttributeError(name)\n").has_getattr
    assert not scan_code("class K:\n    def __getattr__(self, name): ...\n").has_getattr


def test_main_block() -> None:
    assert scan_code('if __name__ == "__main__":\n    main()\n').has_main_block
    assert scan_code("if '__main__' == __name__:\n    main()\n").has_main_block
    assert not scan_code('if __name__ == "other":\n    main()\n').has_main_block
    assert not scan_code("def f():\n    if __name__ == '__main__':\n        pass\n").has_main_block


def test_dynamic_globals() -> None:
    assert scan_code("globals()['x'] = 1\n").dynamic_globals
    assert scan_code("globals().update(values)\n").dynamic_globals
    assert scan_code("setattr(sys.modules[__name__], 'x', 1)\n").dynamic_globals
    assert not scan_code("print(globals())\nx = vars(obj)\n").dynamic_globals
    # eventlet.green.time fills its namespace from the time module; twisted runs generated code in it
    assert scan_code("slurp_properties(__time, globals(), ignore=__patched__)\n").dynamic_globals
    assert scan_code('exec(r"""\nclass XPathParser: pass\n""")\n').dynamic_globals
    assert not scan_code("def f():\n    exec(code)\n").dynamic_globals  # not at module level


def test_empty_module() -> None:
    assert scan_code("# only a comment\n\n").empty
    assert scan_code("").empty
    assert not scan_code('"""A docstring is content."""\n').empty


def test_attribute_uses_at_import_time() -> None:
    module = scan_code(
        """
        import pkg
        import other.sub as alias
        from x import y
        A = pkg.sub.thing
        B: pkg.types.Annotation = pkg.value.make()
        @pkg.deco.register
        class K(pkg.base.Base):
            attr = alias.part.X
            def method(self, default=pkg.defaults.D):
                return pkg.inside.function
        def f(arg=pkg.arg.default): ...
        L = lambda: pkg.lazy.attr
        if TYPE_CHECKING:
            T = pkg.typing_only.T
        try:
            C = pkg.guarded.X
        except AttributeError:
            pass
        print(y.not_a_module_import)
        """
    )
    assert sorted((u.chain, u.location.line) for u in module.attribute_uses) == [
        ("alias.part.X", 8),
        ("pkg.arg.default", 11),
        ("pkg.base.Base", 7),
        ("pkg.deco.register", 7),
        ("pkg.defaults.D", 9),
        ("pkg.sub.thing", 4),
        ("pkg.value.make", 5),
    ]


def test_attribute_uses_noop_without_plain_imports() -> None:
    assert scan_code("from pkg import sub\nX = sub.thing.attr\n").attribute_uses == ()


def test_suppression_comments() -> None:
    module = scan_code(
        """
        from a import b  # smokegen: ignore[SG101]
        from c import d  # smokegen: ignore[sg101, SG104]
        from e import f  # smokegen: ignore
        from g import h  # noqa
        """
    )
    assert [(s.line, s.codes) for s in module.suppressions] == [
        (1, ("SG101",)),
        (2, ("SG101", "SG104")),
        (3, ()),
    ]
