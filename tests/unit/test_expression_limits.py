"""Expression limits: every evaluation is stopped in time, every bomb is refused
before it is built (issue 12, items 7 and 8).

Built-in operations written in C cannot be stopped once they run, so each
bomb here must be refused before it allocates: its peak memory is measured.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable

import pytest

from app.core import expressions
from app.core.expressions import evaluate
from app.errors import ExpressionError

PEAK_MB = 40

# Each would build hundreds of MB to GB (or compute for minutes) if run.
BOMBS = [
    "{{ ([range(100000)|list]*1000)|sum(start=[]) }}",  # the example
    "{{ (['x' * 1000000] * 1000) | join }}",
    "{{ (['a'] * 1000) | join('x' * 1000000) }}",
    "{{ (range(1000)|list) | join('x' * 1000000) }}",
    "{{ ('a' * 1000000) | replace('a', 'b' * 1000) }}",
    "{{ ('a' * 1000000).replace('a', 'bb' * 1000) }}",
    "{{ ('a' * 1000).replace('', 'b' * 1000000) }}",
    "{{ (['x' * 1000000] * 1000) | tojson }}",
    "{{ ([range(100000)|list]*10) | tojson(indent=99) }}",
    "{{ ['x' * 1000000] * 1000 }}",
    "{{ 1000 * ['x' * 1000000] }}",
    "{{ [['x' * 1000] * 1000] * 1000 }}",
    "{{ ([['x' * 1000] * 1000] * 1000) | string }}",
    "{{ ([['x' * 1000] * 1000] * 1000) | pprint }}",
    "{{ ([['x' * 1000] * 1000] * 1000) | upper }}",
    "{{ ([['x' * 1000] * 1000] * 1000) | urlencode }}",
    "{{ 'a' ~ ([['x' * 1000] * 1000] * 1000) }}",
    "text {{ [['x' * 1000] * 1000] * 1000 }}",
    "{{ '%s' % ([['x' * 1000] * 1000],) }}",
    "{{ ('%999999s' * 1000) % ((1,) * 1000) }}",
    "{{ ('%*s' * 1000) % ((999999, 'a') * 1000) }}",
    "{{ ('{:999999}' * 1000).format(*((1,) * 1000)) }}",
    "{{ ('{:{}}' * 1000).format(*((1, 999999) * 1000)) }}",
    "{{ ('{a:999999}' * 1000).format_map({'a': 1}) }}",
    "{{ ('%s' * 1000) | format(*(['x' * 1000000] * 1000)) }}",
    "{{ ('\t' * 1000000).expandtabs(1000000) }}",
    "{{ ('a' * 1000000).translate({97: 'b' * 1000}) }}",
    "{{ ('a\n' * 500000) | indent(1000) }}",
    "{{ ('a\n' * 500000) | indent('x' * 1000) }}",
    "{{ ('a ' * 500000) | wordwrap(1, wrapstring='x' * 1000) }}",
    "{{ ([1] * 1000000) + ([1] * 1000000) }}",
    "{{ ('ab' * 500000) + ('ab' * 500000) }}",
    "{% set a = ['x' * 100000] * 10 %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}"
    "{% set c = [b, b, b, b, b, b, b, b, b, b] %}{{ c | length }}",
    "{% set a = ['x' * 1000] * 1000 %}{{ {'a': a, 'b': a} }}",
    "{% set a = ['x' * 1000] * 1000 %}{{ (a, a, a) }}",
    "{{ (range(100000)|list) | batch(1000000, 'x' * 1000000) | list }}",
    # template output grows in lists only Python code appends to (a render, a
    # `{% set %}` block, a macro), and namespaces or cyclers hold what they are given
    "{% for i in range(200) %}{{ 'x' * 999999 }}{% endfor %}",
    "{% set s %}{% for i in range(200) %}{{ 'x' * 999999 }}{% endfor %}{% endset %}{{ 1 }}",
    "{% macro m() %}{% for i in range(200) %}{{ 'x' * 999999 }}{% endfor %}{% endmacro %}"
    "{{ m() | length }}",
    "{% set ns = namespace(p=none) %}{% for i in range(200) %}"
    "{% set ns.p = namespace(p=ns.p, s='x' * 999999) %}{% endfor %}{{ 1 }}",
    "{% set ns = namespace(p=none) %}{% for i in range(200) %}"
    "{% set ns.p = cycler(ns.p, 'x' * 999999) %}{% endfor %}{{ 1 }}",
    "{% set ns = namespace(p=none) %}{% for i in range(200) %}"
    "{% set ns.p = dict(p=ns.p, s=joiner('x' * 999999)) %}{% endfor %}{{ 1 }}",
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("source", BOMBS)
def test_bombs_are_refused_before_they_are_built(source: str) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(ExpressionError) as caught:
            evaluate(source, {})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < PEAK_MB * 1_000_000, f"{peak / 1e6:.0f} MB for {source}"
    message = str(caught.value)
    assert message and "\n" not in message and len(message) < 200, message


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ [[1, 2], [3]] | sum(start=[]) }}", [1, 2, 3]),
        ("{{ [(1,), (2,)] | sum(start=()) }}", (1, 2)),
        ("{{ [1, 2, 3] | sum }}", 6),
        ("{{ ['a', 'b'] | join('-') }}", "a-b"),
        ("{{ 'aXa' | replace('X', 'yy') }}", "ayya"),
        ("{{ 'a'.replace('a', 'b') }}", "b"),
        ("{{ '{:>5}'.format('a') }}", "    a"),
        ("{{ '%5s' % 'a' }}", "    a"),
        ("{{ {'a': [1]} | tojson }}", '{"a": [1]}'),
        ("{{ 'a\nb' | indent(2, first=true) }}", "  a\n  b"),
        ("{{ 'x' ~ [1, 2] }}", "x[1, 2]"),
        ("{{ 'abc' | list }}", ["a", "b", "c"]),
    ],
)
def test_guarded_filters_and_operators_keep_their_meaning(source: str, expected: object) -> None:
    assert evaluate(source, {}) == expected


def test_summing_lists_of_mixed_kinds_is_a_clear_error() -> None:
    with pytest.raises(ExpressionError, match="can only concatenate list"):
        evaluate("{{ [[1], (2,)] | sum(start=[]) }}", {})


# Python-level loops without {% %}: each step is quick (so no size limit
# applies) but there are 10^10 of them.
RUNAWAYS = [
    "{{ range(100000) | select('in', range(100000) | list) | list | length }}",
    "{{ range(100000) | map('string') | select('in', range(100000) | map('string') | list)"
    " | list }}",
]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("source", RUNAWAYS)
def test_a_runaway_expression_without_statements_is_stopped(source: str) -> None:
    with pytest.raises(ExpressionError, match=r"ran longer than 2 s"):
        evaluate(source, {})


@pytest.mark.timeout(30)
def test_a_runaway_condition_is_stopped() -> None:
    with pytest.raises(ExpressionError, match=r"ran longer than 2 s"):
        expressions.test_condition(
            "range(100000) | select('in', range(100000) | list) | list | length > 0", {}
        )


@pytest.mark.timeout(30)
def test_a_shorter_budget_stops_sooner_and_says_so() -> None:
    with pytest.raises(expressions.OutOfTime) as caught:
        evaluate(RUNAWAYS[0], {}, seconds=0.1)
    assert caught.value.seconds == 0.1
    assert str(caught.value) == "the expression ran longer than 0.1 s"


@pytest.mark.skipif(expressions._thread_clock() is None, reason="no per-thread CPU clock here")
def test_time_spent_waiting_is_not_computing() -> None:
    """The budget counts what the thread computes: a busy machine, or threads taking
    turns at the GIL, do not cut a quick expression short (under load, a wall-clock
    budget of 0.1 s made runs commit half-way for no reason)."""
    waited = evaluate("{{ wait() }}", {"wait": lambda: time.sleep(0.4) or "done"}, seconds=0.1)
    assert waited == "done"
    with pytest.raises(expressions.OutOfTime):  # computing is still stopped
        evaluate(RUNAWAYS[0], {}, seconds=0.1)


def test_waiting_forever_meets_the_wall_clock_backstop() -> None:
    with pytest.raises(expressions.OutOfTime):
        waits = {"wait": lambda: [time.sleep(0.01) for _ in range(1000)]}
        evaluate("{{ wait() }}", waits, seconds=0.02)


@pytest.mark.timeout(30)
def test_a_stopped_evaluation_leaves_nothing_behind_in_its_thread() -> None:
    """The watchdog's exception is raised inside the evaluation or taken back:
    Python code that runs after it in the same thread is never hit by it."""
    for _ in range(20):
        with pytest.raises(expressions.OutOfTime):
            evaluate(RUNAWAYS[0], {}, seconds=0.05)
        # evaluations that end just around their deadline, then plain Python work
        for seconds in (0.04, 0.05, 0.06):
            with contextlib.suppress(expressions.OutOfTime):
                evaluate("{{ range(100000) | map('string') | list | length }}", {}, seconds=seconds)
        end = time.monotonic() + 0.12
        while time.monotonic() < end:
            sum(range(100))
    assert not expressions._watches


@pytest.mark.timeout(30)
def test_evaluations_in_several_threads_are_stopped_each_on_its_own() -> None:
    outcomes: dict[str, str] = {}

    def work(name: str, source: str) -> None:
        try:
            outcomes[name] = repr(evaluate(source, {}, seconds=0.3))
        except ExpressionError as exc:
            outcomes[name] = str(exc)

    threads = [
        threading.Thread(target=work, args=("slow", RUNAWAYS[0])),
        threading.Thread(target=work, args=("quick", "{{ range(1000) | sum }}")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == {"slow": "the expression ran longer than 0.3 s", "quick": "499500"}


def test_database_reads_inside_an_expression_are_not_interrupted() -> None:
    """search() reads the database: the time guard waits until it is out of there."""
    reads: list[str] = []

    def slow_read() -> list[int]:
        with expressions.uninterrupted():
            end = time.monotonic() + 0.3  # busy, past the deadline
            while time.monotonic() < end:
                sum(range(100))
            reads.append("done")
        return [1]

    with pytest.raises(expressions.OutOfTime):
        evaluate(
            "{{ search() | list ~ (range(100000) | select('in', range(100000) | list) | list) }}",
            {"search": slow_read},
            seconds=0.1,
        )
    assert reads == ["done"]


def test_nested_evaluations_share_the_outer_deadline() -> None:
    """A privacy rule's condition inside search(): a catch of ExpressionError there
    must not swallow the stop of the outer evaluation."""

    def inner() -> bool:
        try:
            return expressions.test_condition(
                "range(100000) | select('in', range(100000) | list) | list | length > 0", {}
            )
        except ExpressionError:
            return False  # what core.privacy does with a failing rule

    with pytest.raises(expressions.OutOfTime) as caught:
        evaluate("{{ check() }}", {"check": inner}, seconds=0.2)
    assert caught.value.seconds == 0.2


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # `%` and long runs of digits in a text that is no format are just text
        ("{{ 'k3y %12345678' | urlencode }}", "k3y%20%2512345678"),
        ("{{ '50% of 12345678' | upper }}", "50% OF 12345678"),
        ("{{ '%s of 1234567' % 5 }}", "5 of 1234567"),
        ("{{ 'a%2512345678'.replace('a', 'b') }}", "b%2512345678"),
        ("{{ ['%1234567', 'x'] | join(', ') }}", "%1234567, x"),
    ],
)
def test_digits_after_a_percent_sign_are_no_width_outside_formats(
    source: str, expected: str
) -> None:
    """A URL-encoded secret ('…%25…' then hex digits) made http_request refuse its
    URL as 'format width too large' whenever seven digits followed."""
    assert evaluate(source, {}) == expected


@pytest.mark.parametrize(
    "source",
    [
        "{{ '%(a)9999999d' % {'a': 1} }}",
        "{{ '%-9999999s' % 'x' }}",
        "{{ '{:>9999999}'.format(1) }}",
        "{{ '%9999999s' | format('x') }}",
        "{{ now | format_date('%_9999999Y') }}",
    ],
)
def test_huge_widths_in_formats_are_still_refused(source: str) -> None:
    with pytest.raises(ExpressionError, match="too large"):
        evaluate(source, {"now": __import__("datetime").datetime(2026, 1, 1)})


@pytest.mark.parametrize(
    ("source", "bounded"),
    [
        ("{{ user }}", True),
        ("Hello {{ step1.name }}, {{ user['email'] }}", True),
        ("{{ a | length }}", False),  # a filter is code: guarded
        ("{{ f() }}", False),
        ("{% for i in x %}{% endfor %}", False),
        ("{{ a * 3 }}", False),
    ],
)
def test_only_names_and_fields_skip_the_time_guard(source: str, bounded: bool) -> None:
    """Reading a name or a field cannot run away, so most inputs skip the watchdog."""
    assert expressions.compile_input(source).bounded is bounded


@pytest.mark.parametrize(
    ("source", "bounded"),
    [("birthday is not none", True), ("a == b and not c", True), ("a | length > 3", False)],
)
def test_conditions_skip_the_time_guard_only_when_bounded(source: str, bounded: bool) -> None:
    assert expressions.compile_condition(source).bounded is bounded


@pytest.mark.parametrize(
    ("value", "timed"),
    [
        ("plain text", False),
        ("{{ user }}", False),
        (5, False),
        ({"a": "{{ x }}", "b": ["literal", "{{ step1.name }}"]}, False),
        ({"a": "{{ x }}", "b": ["{{ y | length }}"]}, True),
        (["x", {"k": "{{ f() }}"}], True),
    ],
)
def test_an_input_is_timed_when_any_template_in_it_is_guarded(value: object, timed: bool) -> None:
    """What the runner's shared time budget needs a clock reading for."""
    assert expressions.timed(value) is timed


def _in_thread(fn: Callable[[], object]) -> object:
    out: list[object] = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join()
    return out[0]


def _compute(seconds: float) -> int:
    """Plain Python work for `seconds` of this thread's CPU time."""
    end, loops = time.thread_time() + seconds, 0
    while time.thread_time() < end:
        loops += sum(range(10)) and 1
    return loops


@pytest.mark.timeout(30)
def test_a_thread_whose_expression_was_stopped_computes_on_unhindered() -> None:
    """After its runaway is stopped, a worker keeps its profile and trace functions
    and computes (plain Python, then a long expression given time) without a stop."""

    def work() -> object:
        before = (sys.getprofile(), sys.gettrace())
        with pytest.raises(expressions.OutOfTime):
            evaluate(RUNAWAYS[0], {}, seconds=0.05)
        assert (sys.getprofile(), sys.gettrace()) == before
        assert _compute(0.3) > 0  # six budgets' worth
        long = "{{ range(20000) | map('string') | select('in', range(2000) | map('string')"
        return evaluate(long + " | list) | list | length }}", {}, seconds=30.0)

    assert _in_thread(work) == 2000
    assert not expressions._watches


@pytest.mark.timeout(30)
def test_a_runaway_beside_a_long_evaluation_stops_only_the_runaway() -> None:
    """Two threads evaluating at once: the other one computes for longer than the
    runaway's budget under its own and is not stopped with it."""
    started = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def runaway() -> None:
        started.wait()
        try:
            evaluate(RUNAWAYS[0], {}, seconds=0.1)
        except expressions.OutOfTime as exc:
            outcomes["runaway"] = str(exc)

    def normal() -> None:
        started.wait()
        outcomes["normal"] = expressions.within(30.0, lambda: _compute(0.5) and "done")

    threads = [threading.Thread(target=runaway), threading.Thread(target=normal)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == {"runaway": "the expression ran longer than 0.1 s", "normal": "done"}
