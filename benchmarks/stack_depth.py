"""Where pyoxigraph's SPARQL parser and evaluator overflow their stack, and what mzgraph does there.

    python -m benchmarks.stack_depth [--budget 30]

For each shape of deep query (nested groups, parentheses, long operator chains, ...), the largest size
that evaluates is found by bisection; every attempt runs in a forked child with the main thread's
stack (``ulimit -s``, usually 8 MiB), so a crash (SIGSEGV) ends only the child. The last column says
how mzgraph's guard (:mod:`mzgraph.sparql.guard`) treats the first failing size: refused before parsing
(nesting deeper than the limit), or left to the worker processes, which contain the crash.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import sys
import time
from collections.abc import Callable

import pyoxigraph as ox

from mzgraph.sparql.errors import QueryRejected
from mzgraph.sparql.guard import check

P = "<http://example.org/p>"
SHAPES: dict[str, Callable[[int], str]] = {
    "nested { } groups": lambda n: "SELECT * WHERE " + "{ " * n + "?s ?p ?o" + " }" * n,
    "nested ( ) in FILTER": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * n + "?o" + ")" * n + ") }",
    "a + b + ... chain": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "+".join(["1"] * n) + " > 0) }",
    "a || b || ... chain": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(["?o = 1"] * n) + ") }",
    "! ! ... negations": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * n + "true) }",
    "{ } UNION { } chain": lambda n: "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * n) + " }",
    "nested OPTIONAL": lambda n: "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * n + "}" * n + " }",
    "nested subqueries": lambda n: "SELECT * WHERE " + "{ SELECT * WHERE " * n + "{ ?s ?p ?o }" + " }" * n,
    "nested ( ) in a path": lambda n: "SELECT * WHERE { ?s " + "(" * n + P + ")" * n + " ?o }",
}


def attempt(store: ox.Store, query: str, budget: float) -> str:
    """``ok``, ``syntax error``, ``SIGSEGV``/other signal, or ``timeout``: evaluating ``query`` in a child."""
    pid = os.fork()
    if pid == 0:
        try:
            result = store.query(query)
            if not isinstance(result, ox.QueryBoolean):
                list(result)
            os._exit(0)
        except SyntaxError:
            os._exit(3)
        except BaseException:
            os._exit(4)
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            if os.WIFSIGNALED(status):
                return signal.Signals(os.WTERMSIG(status)).name
            return {0: "ok", 3: "syntax error"}.get(os.WEXITSTATUS(status), "error")
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return "timeout"


def largest_ok(store: ox.Store, shape: Callable[[int], str], budget: float) -> tuple[int, int, str]:
    """(largest size that evaluates, smallest that does not, how it fails), to within 2 %."""
    low, high, failure = 1, 2, "none up to 200,000"
    while high <= 200_000 and (outcome := attempt(store, shape(high), budget)) == "ok":
        low, high = high, high * 2
    if high > 200_000:
        return low, 0, failure
    failure = outcome
    while high - low > max(low // 50, 1):
        middle = (low + high) // 2
        outcome = attempt(store, shape(middle), budget)
        if outcome == "ok":
            low = middle
        else:
            high, failure = middle, outcome
    return low, high, failure


def guard_verdict(query: str) -> str:
    try:
        check(query)
    except QueryRejected as refused:
        return f"refused ({refused.code})"
    return "passes; a worker crash is contained"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per attempt")
    args = parser.parse_args(argv)
    stack = resource.getrlimit(resource.RLIMIT_STACK)[0]
    print(f"pyoxigraph {ox.__version__}, main-thread stack {stack // 1024 if stack > 0 else 'unlimited'} KiB\n")
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal("1")))
    print(f"{'shape':24} {'evaluates':>10} {'fails at':>9}  {'how':14} mzgraph at that size")
    for name, shape in SHAPES.items():
        low, high, failure = largest_ok(store, shape, args.budget)
        verdict = guard_verdict(shape(high)) if high else "-"
        print(f"{name:24} {low:>10,} {high:>9,}  {failure:14} {verdict}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
