"""Hypothesis strategies that write lesson files the way a stranger could: every part
of the format (graph scripts, `[model]` over `[data]`, `vary`, every step and question
kind, training), numbers and sizes at the edges of the bounds in lessons/FORMAT.md
("Bounds and safety"), text that looks like markup or holds control characters, and
files one mistake away from valid (a wrong type, a missing key, a value out of bounds).

A lesson is built as `Lesson` (tables of TOML literals, in order) and written by
`Lesson.text`, so that a mutation can change one key and the test still knows
what it did.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

#: Literals at the edges of the number bounds: at most 1e300 in size, at least 1e-300
#: but for 0, at most 300 significant digits.
EDGE_NUMBERS = [
    "1e300",
    "-1e300",
    "1e-300",
    "-1e-300",
    "0",
    "-0.0",
    "0.5",
    "-3",
    "2.0",
    "1",
    "7",
    "0.001",
    "123456789012345678901234567890",
    "9" * 300,
    "0." + "3" * 299,
]
PLAIN_NUMBERS = ["0.5", "-3.0", "2.0", "1.5", "-0.25", "0.1", "3", "-1", "10"]
FUNCTIONS = ["tanh", "exp", "log", "relu", "sigmoid"]
BINARY = ["+", "-", "*", "/"]

#: Text that is markup elsewhere (Rich/Textual, Markdown, HTML), or shown escaped, as a
#: TOML basic string's body (escapes are TOML's).
TEXTS = [
    "plain words",
    "[bold]bold[/bold] [red]red[/] [/]",
    "[link=file:///etc/passwd]x[/link] [@click=app.quit]quit[/]",
    "<b>html</b> &amp; **markdown** `code` _x_",
    "- one\\n- two\\n  > quoted\\n1. three",
    "| a | b |\\n|---|---|\\n| 1 | 2 |",
    "{{ literal braces }}",
    "para\\u2028graph \\u2029 separators",  # accepted, shown escaped
    "tab\\there",
    "ünïcödé ω ∂L/∂w 🚀",
    "x" * 1000,
]
#: A terminal's control sequences and bidirectional controls: the loader refuses them.
UNSAFE_TEXTS = [
    "\\u001b[2J\\u001b[H cleared",
    "\\u001b]0;PWN\\u0007",
    "\\u009b31m C1",
    "bell \\u0007",
    "\\u202e3-",
]

#: Names at the edges: long identifiers, non-ASCII ones, Python keywords are not names.
NAME_POOL = ["a", "b", "c", "x", "w", "ω", "n_" + "x" * 60, "Lx", "_p", "v" * 200]


@dataclass
class Table:
    """One TOML table: its header (``""`` for the top level, ``"[[steps]]"``, ...) and its
    keys' literals, in order."""

    header: str
    keys: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        head = f"{self.header}\n" if self.header else ""
        return head + "".join(f"{_key(k)} = {v}\n" for k, v in self.keys.items())


@dataclass
class Lesson:
    """A lesson file as tables; `broken` says what a mutation did to it (None: none)."""

    tables: list[Table]
    nodes: list[str]
    broken: str | None = None

    def text(self) -> str:
        return "".join(table.text() for table in self.tables)


@dataclass
class RawLesson:
    """A lesson file written out by hand (a case found, kept as an `@example`)."""

    source: str
    broken: str | None = None

    def text(self) -> str:
        return self.source


def _key(name: str) -> str:
    return name if name.isascii() and name.replace("_", "").isalnum() else f'"{name}"'


def _string(text: str) -> str:
    return f'"{text}"'


def _multiline(text: str) -> str:
    return f'"""\n{text}\n"""'


# -- the graph script ---------------------------------------------------------------


@st.composite
def expressions(draw, names: list[str], depth: int = 3, top: bool = True) -> str:
    """An expression over ``names``: every op of the script, numbers, nesting (at the
    top, an operation: a bare name would only rename a node)."""
    if depth == 0 or (not top and draw(st.integers(0, 3)) == 0):
        if draw(st.integers(0, 4)) == 0:
            return draw(st.sampled_from([*PLAIN_NUMBERS, "1e300", "1e-300", "0"]))
        return draw(st.sampled_from(names))
    form = draw(st.integers(0, 3))
    inner = draw(expressions(names, depth - 1, top=False))
    if form == 0:
        return f"{draw(st.sampled_from(FUNCTIONS))}({inner})"
    if form == 1:
        exponent = draw(st.sampled_from(["2", "3", "-1", "0.5", "100", "-100", "1.5"]))
        return f"({inner}) ** {exponent}"
    if form == 2:
        return f"-({inner})"
    other = draw(expressions(names, depth - 1, top=False))
    return f"({inner} {draw(st.sampled_from(BINARY))} {other})"


@st.composite
def graph_scripts(draw, big: bool = False) -> tuple[str, list[str], list[str], list[str]]:
    """A script, its leaves, its operation nodes (the last is the output) and the
    output's direct inputs.

    ``big``: up to the bounds, 300 lines and thousands of nodes, with long names."""
    pool = list(dict.fromkeys(draw(st.permutations(NAME_POOL))[: draw(st.integers(1, 4))]))
    leaves = pool
    values = [
        draw(st.sampled_from(EDGE_NUMBERS if draw(st.booleans()) else PLAIN_NUMBERS))
        for _ in leaves
    ]
    lines = [f"{name} = {value}" for name, value in zip(leaves, values, strict=True)]
    ops: list[str] = []
    if big:
        count = draw(st.sampled_from([60, 150, 299]))
        width = draw(st.sampled_from([1, 8, 16]))  # terms on each line: up to ~5,000 nodes
        for i in range(count):
            prev = ops[-1] if ops else leaves[0]
            terms = " + ".join(f"{leaves[j % len(leaves)]} * 0.5" for j in range(width))
            name = f"s{i}"
            lines.append(f"{name} = tanh({prev} + {terms})")
            ops.append(name)
    else:
        for i in range(draw(st.integers(1, 6))):
            name = f"n{i}"
            lines.append(f"{name} = {draw(expressions(leaves + ops))}")
            ops.append(name)
    # The output depends on everything, so that every node can be asked about.
    direct = [*ops[-3:], *leaves]
    lines.append("L = " + " + ".join(direct))
    if draw(st.integers(0, 5)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), "# a comment [bold] ")
    return "\n".join(lines), leaves, [*ops, "L"], direct


# -- steps ---------------------------------------------------------------------------


def _text(draw, names: list[str]) -> str:
    text = draw(st.sampled_from(UNSAFE_TEXTS if draw(st.integers(0, 9)) == 5 else TEXTS))
    if draw(st.booleans()):
        text += f" {{{draw(st.sampled_from(names))}}}"
    return text


@st.composite
def questions(
    draw, leaves: list[str], ops: list[str], direct: list[str], params: list[str]
) -> Table:
    """An `ask` step of any kind, with keys it takes (and optional ones)."""
    nodes = leaves + ops
    kind = draw(
        st.sampled_from(
            ["value", "grad", "local", "nudge", "step", "train", "accumulated", "count", "backward"]
        )
    )
    keys: dict[str, str] = {"ask": _string(kind)}
    if kind in ("value", "grad", "backward"):
        keys["node"] = _string(draw(st.sampled_from(ops if kind == "backward" else nodes)))
    elif kind == "local":
        keys["node"] = _string(ops[-1])
        keys["wrt"] = _string(draw(st.sampled_from(direct)))
    elif kind == "nudge":
        keys["node"] = _string(draw(st.sampled_from(leaves)))
        keys["h"] = draw(st.sampled_from(["0.001", "1e-6", "0.5", "1e300", "1e-300"]))
    elif kind == "step":
        keys["rate"] = draw(st.sampled_from(["0.01", "0.1", "1e-300", "1e300"]))
    elif kind == "train":
        keys["rate"] = draw(st.sampled_from(["0.001", "0.01", "0.05", "0.5"]))
        keys["steps"] = draw(st.sampled_from(["1", "2", "10", "100"]))
        if draw(st.booleans()):
            keys["zero_grad"] = draw(st.sampled_from(["true", "false"]))
        if params and draw(st.booleans()):
            keys["node"] = _string(draw(st.sampled_from(params)))
            if draw(st.booleans()):
                keys["grad"] = "true"
        if draw(st.integers(0, 4)) == 0:
            keys["saturates"] = "true"
    elif kind == "accumulated":
        keys["node"] = _string(draw(st.sampled_from(leaves)))
        keys["passes"] = draw(st.sampled_from(["2", "3", "10"]))
    if kind in ("grad", "accumulated") and draw(st.integers(0, 3)) == 0:
        keys["of"] = _string(draw(st.sampled_from(ops)))
    if draw(st.booleans()):
        keys["prompt"] = _string(_text(draw, nodes))
    if draw(st.integers(0, 2)) == 0:
        hints = [_string(_text(draw, nodes)) for _ in range(draw(st.integers(1, 3)))]
        keys["hints"] = "[" + ", ".join(hints) + "]"
    if kind != "backward":
        extra = draw(st.integers(0, 4))
        if extra == 1:
            keys["decimals"] = draw(st.sampled_from(["0", "4", "10"]))
        elif extra == 2:
            keys["rtol"] = draw(st.sampled_from(["1e-6", "0.01", "0.999"]))
            keys["atol"] = draw(st.sampled_from(["1e-9", "0", "1e-300"]))
        elif extra == 3 and kind == "local":
            keys["form"] = _string(draw(st.sampled_from(["number", "expression", "any"])))
    if draw(st.integers(0, 3)) == 0:
        keys["points"] = draw(st.sampled_from(["1", "2.5", "1e300", "1e-300"]))
    return Table("[[steps]]", keys)


@st.composite
def shows(draw, leaves: list[str], ops: list[str], direct: list[str]) -> Table:
    kind = draw(st.sampled_from(["say", "graph", "derivation", "plot", "training"]))
    if kind == "say":
        parts = [_text(draw, leaves + ops) for _ in range(draw(st.integers(1, 3)))]
        literal = draw(st.sampled_from([_string, _multiline]))
        return Table(
            "[[steps]]",
            {
                "say": literal(
                    "\\n".join(parts)
                    if literal is _string
                    else "\n".join(parts).replace("\\n", "\n")
                )
            },
        )
    keys = {"show": _string(kind)}
    if kind == "derivation":
        keys["node"] = _string(ops[-1])
        keys["wrt"] = _string(draw(st.sampled_from(direct)))
    elif kind == "plot":
        keys["node"] = _string(draw(st.sampled_from(leaves)))
        keys["range"] = draw(st.sampled_from(["[-1, 1]", "[-1e300, 1e300]", "[0, 1e-300]"]))
        if draw(st.booleans()):
            keys["h"] = draw(st.sampled_from(["0.5", "1e-300"]))
    elif kind == "training":
        keys["rate"] = draw(st.sampled_from(["0.01", "0.05", "1e-300"]))
        if draw(st.booleans()):
            keys["compare"] = draw(st.sampled_from(["[0.1]", "[0.001, 0.02, 0.03, 0.04]"]))
        if draw(st.booleans()):
            keys["zero_grad"] = draw(st.sampled_from(["true", "false"]))
        if draw(st.booleans()):
            keys["compare_zeroing"] = "true"
    return Table("[[steps]]", keys)


@st.composite
def answer_tests(draw, questions: int) -> Table:
    """A `[[tests]]` table: an answer and the verdict it must get."""
    keys = {
        "question": str(draw(st.integers(1, questions))),
        "answer": draw(
            st.sampled_from(['"-2"', "-2", "1e300", '"1 - o**2"', '"(((("', '"[bold]x"', '"x"'])
        ),
        "expect": _string(draw(st.sampled_from(["right", "wrong", "not-understood"]))),
    }
    if keys["expect"] == '"wrong"' and draw(st.booleans()):
        keys["diagnosis"] = _string(draw(st.sampled_from(["wrong-sign", "forgot-upstream", "x"])))
    if draw(st.booleans()):
        keys["seed"] = draw(st.sampled_from(["0", "1", "1000000000"]))
    return Table("[[tests]]", keys)


@st.composite
def vary_tables(draw, leaves: list[str]) -> Table:
    keys: dict[str, str] = {}
    for name in draw(st.lists(st.sampled_from(leaves), min_size=1, max_size=3, unique=True)):
        if draw(st.booleans()):
            lo, hi, step = draw(
                st.sampled_from(
                    [
                        ("-4", "4", "1"),
                        ("0.5", "3", "0.25"),
                        ("-1e300", "1e300", "1e296"),
                        ("0", "1", "2e-5"),
                    ]
                )
            )
            keys[name] = f"{{ min = {lo}, max = {hi}, step = {step} }}"
        else:
            choices = draw(st.sampled_from(["[-3, -2, 2, 3]", "[1e300, -1e300]", "[0.5]"]))
            keys[name] = f"{{ choices = {choices} }}"
    return Table("[vary]", keys)


# -- whole lessons -------------------------------------------------------------------


def _head(draw, lesson_id: str) -> Table:
    keys = {"format": "1", "id": _string(lesson_id)}
    keys["title"] = _string(draw(st.sampled_from(["T", "Title [b]x[/b]", "é" * 80, "t" * 80])))
    if draw(st.booleans()):
        keys["summary"] = _string(draw(st.sampled_from(["s", "[red]x[/]", "s" * 300])))
    if draw(st.integers(0, 3)) == 0:
        keys["order"] = draw(st.sampled_from(["1", "-5", "99999999999"]))
    if draw(st.integers(0, 3)) == 0:
        keys["pass"] = draw(st.sampled_from(["0.7", "1", "1e-300"]))
    return Table("", keys)


@st.composite
def graph_lessons(draw, lesson_id: str = "prop", big: bool = False, heavy: bool = True) -> Lesson:
    script, leaves, ops, direct = draw(graph_scripts(big=big))
    head = _head(draw, lesson_id)
    head.keys["graph"] = _multiline(script)
    params: list[str] = []
    if draw(st.booleans()):
        params = draw(st.lists(st.sampled_from(leaves), min_size=1, unique=True))
        head.keys["parameters"] = "[" + ", ".join(_string(p) for p in params) + "]"
    if draw(st.integers(0, 3)) == 0:
        head.keys["output"] = _string("L")
    tables = [head]
    if draw(st.booleans()):
        tables.append(draw(vary_tables(leaves)))
    tables += _steps(draw, leaves, ops, direct, params, heavy=heavy)
    return Lesson(tables, leaves + ops)


@st.composite
def network_lessons(draw, lesson_id: str = "prop-net", small: bool = False) -> Lesson:
    inputs = draw(st.integers(1, 3 if small else 8))
    hidden = draw(st.lists(st.integers(1, 4 if small else 16), max_size=1 if small else 3))
    layers = [*hidden, 1]
    rows = draw(st.integers(1, 3 if small else 8))
    model = {"inputs": str(inputs), "layers": str(layers)}
    if draw(st.booleans()):
        model["activation"] = _string(draw(st.sampled_from(["tanh", "relu", "sigmoid", "linear"])))
    if draw(st.booleans()):
        model["loss"] = _string(draw(st.sampled_from(["sum", "mse"])))
    if draw(st.integers(0, 3)) == 0:
        sizes = [inputs, *layers]
        weights = [
            [
                [draw(st.sampled_from(["0.5", "-0.3", "0.1", "0"])) for _ in range(sizes[k] + 1)]
                for _ in range(sizes[k + 1])
            ]
            for k in range(len(layers))
        ]
        model["weights"] = str(weights).replace("'", "")
    else:
        model["seed"] = draw(st.sampled_from(["0", "1", "12345678901234567890"]))
    number = st.sampled_from(["2.0", "-1.0", "0.5", "3", "0", "1e-300", "-1e300"])
    xs = [[draw(number) for _ in range(inputs)] for _ in range(rows)]
    ys = [draw(st.sampled_from(["1.0", "-1.0", "0.5"])) for _ in range(rows)]
    data = {"xs": str(xs).replace("'", ""), "ys": str(ys).replace("'", "")}
    if inputs == 1 and layers == [1]:
        weight_names = ["w1", "b"]
    elif layers == [1]:
        weight_names = [f"w{i}" for i in range(1, inputs + 1)] + ["b"]
    else:
        weight_names = [f"w1_1_{i}" for i in range(1, inputs + 1)] + ["b1_1"]
    data_leaves = [f"x1_{i}" for i in range(1, inputs + 1)] + ["y1"]
    leaves = weight_names + data_leaves
    ops = ["ypred1", "L1", "L"] if rows > 1 else ["ypred1", "L"]
    direct = ["L1"] if rows > 1 else ["ypred1"]
    tables = [_head(draw, lesson_id), Table("[model]", model), Table("[data]", data)]
    if draw(st.booleans()):
        tables.append(draw(vary_tables(data_leaves)))
    tables += _steps(draw, leaves, ops, direct, weight_names, heavy=not small)
    return Lesson(tables, leaves + ops)


def _steps(draw, leaves, ops, direct, params, heavy: bool = True) -> list[Table]:
    """A few steps of every kind; ``heavy``: trainings of up to 100 steps, and sometimes
    one step repeated up to the 500-step bound (else ten steps of training at most)."""
    steps = []
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            step = draw(questions(leaves, ops, direct, params))
            if not heavy and step.keys["ask"] == '"train"':
                step.keys["steps"] = "10"
            steps.append(step)
        else:
            steps.append(draw(shows(leaves, ops, direct)))
    if heavy and draw(st.integers(0, 5)) == 5:
        # The step-count bound: one step repeated up to 500 times (a training, an `of`,
        # a say), which the training and other-output budgets must hold.
        step = steps[draw(st.integers(0, len(steps) - 1))]
        steps += [step] * (draw(st.sampled_from([50, 200, 500])) - len(steps))
    asked = sum(1 for step in steps if "ask" in step.keys)
    for _ in range(draw(st.integers(0, 2)) if asked else 0):
        steps.append(draw(answer_tests(asked)))
    return steps


#: One mistake away from a valid file: each must be refused at load, exit 1 or 2.
#: (table header, key, literal); "" as the key's literal: the key is removed.
def _mutations(lesson: Lesson) -> list[tuple[int, str, str | None, str]]:
    out: list[tuple[int, str, str | None, str]] = []
    for index, table in enumerate(lesson.tables):
        if table.header == "":
            out += [
                (index, "format", "2", "format 2"),
                (index, "format", '"1"', "format a string"),
                (index, "id", None, "id missing"),
                (index, "id", '"Not An Id"', "id with capitals"),
                (index, "id", _string("a" * 65), "id too long"),
                (index, "title", None, "title missing"),
                (index, "title", "3", "title a number"),
                (index, "title", _string("t" * 81), "title too long"),
                (index, "title", '"two\\nlines"', "title of two lines"),
                (index, "summary", _string("s" * 301), "summary too long"),
                (index, "order", "1" + "0" * 4300, "order of 4301 digits"),
                (index, "order", '"first"', "order a string"),
                (index, "pass", "1" + "0" * 309, "pass past float range"),
                (index, "pass", "nan", "pass nan"),
                (index, "hint", '"typo"', "unknown key"),
            ]
        elif table.header == "[[steps]]":
            keys = table.keys
            if "ask" in keys:
                out += [
                    (index, "ask", '"gradient"', "unknown kind"),
                    (index, "points", "inf", "points inf"),
                    (index, "points", "-1e301", "points past 1e300"),
                    (index, "decimals", "11", "decimals 11"),
                    (index, "hints", '"not a list"', "hints a string"),
                    (index, "prompt", _string("\\u001b[2J"), "prompt with ESC"),
                    (index, "hint", '["typo"]', "hint for hints"),
                ]
                if "node" in keys:
                    out += [
                        (index, "node", '"nowhere"', "node not a node"),
                        (index, "node", "3", "node a number"),
                    ]
                    if keys["ask"] in ('"grad"', '"value"', '"local"'):
                        out.append((index, "node", None, "node missing"))
                if keys["ask"] == '"train"':
                    out += [
                        (index, "steps", "101", "steps 101"),
                        (index, "steps", "0", "steps 0"),
                        (index, "steps", "2.5", "steps not whole"),
                        (index, "rate", "-0.1", "rate negative"),
                        (index, "rate", "1" + "0" * 309, "rate past float range"),
                        (index, "zero_grad", '"no"', "zero_grad a string"),
                    ]
                if keys["ask"] == '"accumulated"':
                    out += [
                        (index, "passes", "11", "passes 11"),
                        (index, "passes", "1", "passes 1"),
                    ]
                if keys["ask"] == '"step"':
                    out.append((index, "rate", "0", "rate 0"))
                if keys["ask"] == '"nudge"':
                    out.append((index, "h", "nan", "h nan"))
            elif "show" in keys:
                out += [
                    (index, "show", '"movie"', "unknown show"),
                    (index, "say", '"both"', "say and show"),
                ]
                if keys["show"] == '"training"':
                    out += [
                        (index, "compare", "[0.1, 0.2, 0.3, 0.4, 0.5]", "compare of 5"),
                        (index, "rate", "0", "training rate 0"),
                    ]
            else:
                out += [
                    (index, "say", "[1, 2]", "say a list"),
                    (index, "say", '"{nowhere}"', "say of no node"),
                ]
        elif table.header == "[[tests]]":
            out += [
                (index, "question", "0", "test of question 0"),
                (index, "question", "501", "test of no question"),
                (index, "answer", '""', "test answer empty"),
                (index, "answer", _string("1" * 1001), "test answer too long"),
                (index, "expect", '"maybe"', "test expect unknown"),
                (index, "expect", None, "test expect missing"),
                (index, "seed", "-1", "test seed negative"),
                (index, "seed", "1000000001", "test seed too large"),
                (index, "verdict", '"right"', "test unknown key"),
            ]
        elif table.header == "[model]":
            out += [
                (index, "inputs", "9", "inputs 9"),
                (index, "inputs", "0", "inputs 0"),
                (index, "layers", "[17, 1]", "a layer of 17"),
                (index, "layers", "[4, 4, 4, 4, 1]", "5 layers"),
                (index, "layers", "[2, 2]", "last layer of 2"),
                (index, "activation", '"softmax"', "unknown activation"),
                (index, "loss", '"huber"', "unknown loss"),
                (index, "seed", "-1", "seed negative"),
                (index, "dropout", "0.5", "unknown model key"),
            ]
        elif table.header == "[data]":
            out += [
                (index, "xs", "[[1e-301]]", "data below 1e-300"),
                (index, "xs", "[[inf]]", "data inf"),
                (index, "ys", None, "ys missing"),
                (index, "xs", "[" + ", ".join(["[1]"] * 9) + "]", "9 rows"),
            ]
        elif table.header == "[vary]":
            for name in list(table.keys)[:1]:
                out += [
                    (
                        index,
                        name,
                        "{ min = 0, max = 1e300, step = 1e-300 }",
                        "vary too many values",
                    ),
                    (index, name, "{ min = 1, max = 0, step = 1 }", "vary min above max"),
                    (index, name, "{ choices = [] }", "vary no choices"),
                    (index, name, "3", "vary a number"),
                ]
            out.append((index, "nowhere", "{ choices = [1, 2] }", "vary of no leaf"))
    return out


@st.composite
def broken(draw, lessons: st.SearchStrategy[Lesson]) -> Lesson:
    """A lesson with one mistake the loader must refuse."""
    lesson = draw(lessons)
    index, key, literal, what = draw(st.sampled_from(_mutations(lesson)))
    tables = [Table(t.header, dict(t.keys)) for t in lesson.tables]
    if literal is None:
        tables[index].keys.pop(key, None)
    else:
        tables[index].keys[key] = literal
    return Lesson(tables, lesson.nodes, broken=what)


def any_lesson(lesson_id: str = "prop", heavy: bool = True) -> st.SearchStrategy[Lesson]:
    """Every kind of file: a graph lesson (small or up to the size bounds), a network
    lesson, each valid in form or one mistake away. Not ``heavy``: small graphs and
    networks with short trainings, for the tests that check each lesson three ways."""
    if not heavy:
        whole = st.one_of(
            graph_lessons(lesson_id, heavy=False), network_lessons(lesson_id, small=True)
        )
        return st.one_of(whole, broken(whole))
    whole = st.one_of(
        graph_lessons(lesson_id),
        network_lessons(lesson_id),
        graph_lessons(lesson_id, big=True),
    )
    return st.one_of(whole, broken(whole))
