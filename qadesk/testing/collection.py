"""Guards on what the suite collects and runs (registered by the root conftest.py).

schemathesis (4.x) makes one test item per API operation, named `test_x[GET /api/v1/...]`; under pytest 9.2 the item's
node id is built from its original name and pytest's own parametrization only, so every operation's item had the same
id (`...::test_x`). pytest-xdist identifies items by id: two workers ran 2 of the 112 fuzz cases and reported green.
So: schemathesis items get their operation back in their id, any duplicate id stops the run, and the fuzz must report at
least one result per operation of the OpenAPI document (fewer fails the run, whatever the reason).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

FUZZ_FILE = "qadesk/core/tests/test_api_fuzz.py"
_HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def api_operation_count() -> int:
    """Operations in the OpenAPI document the fuzz parametrizes from (one fuzz case per operation and persona)."""
    from qadesk.api import api

    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    return sum(1 for operations in paths.values() for method in operations if method in _HTTP_METHODS)


def give_schemathesis_items_their_own_id(item: pytest.Item) -> None:
    """`test_x` becomes `test_x[GET /api/v1/...]`, the item's name, as under pytest < 9.2."""
    label = getattr(item, "operation_label", None)
    if label is None or "[" in item.nodeid:
        return
    node_id = item._id  # pytest keeps the structured id here; there is no public setter
    item._id = type(node_id)(path=node_id.path, names=node_id.names, params=item.name.partition("[")[2].removesuffix("]"))


def refuse_duplicate_ids(items: list[pytest.Item]) -> None:
    duplicates = [nodeid for nodeid, n in Counter(item.nodeid for item in items).items() if n > 1]
    if duplicates:
        shown = "\n  ".join(duplicates[:10])
        raise pytest.UsageError(f"{len(duplicates)} test ids are shared by several tests (xdist runs one per id):\n  {shown}")


class FuzzCount:
    """Counts the fuzz cases selected and the ones that reported a result (on the xdist controller: from every worker)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.selected: list[str] = []
        self.reported: set[str] = set()
        self.failure: str | None = None

    def _fuzz(self, nodeids: Any) -> list[str]:
        return [nodeid for nodeid in nodeids if nodeid.startswith(f"{FUZZ_FILE}::")]

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if not hasattr(self.config, "workerinput"):  # a worker's items are counted on the controller
            self.selected = self._fuzz(item.nodeid for item in session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        self.selected = self._fuzz(ids)  # every worker collects the same ids (xdist checks)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.nodeid.startswith(f"{FUZZ_FILE}::"):
            self.reported.add(report.nodeid)

    def _narrowed(self) -> bool:
        """-k, or node ids inside the fuzz file on the command line: fewer cases than operations are then expected."""
        option = self.config.option
        return bool(getattr(option, "keyword", "")) or any(f"{FUZZ_FILE}::" in str(arg) for arg in self.config.args)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if hasattr(self.config, "workerinput") or not self.selected or exitstatus == pytest.ExitCode.INTERRUPTED:
            return
        if session.config.option.collectonly:
            return
        problems = []
        if len(self.reported) < len(self.selected):
            problems.append(f"{len(self.reported)} of the {len(self.selected)} selected fuzz cases reported a result")
        if not self._narrowed():
            operations = api_operation_count()
            per_test = Counter(nodeid.partition("[")[0] for nodeid in self.reported)
            for test in sorted({nodeid.partition("[")[0] for nodeid in self.selected}):
                if per_test[test] < operations:
                    problems.append(f"{test} ran {per_test[test]} cases for the {operations} operations of the API")
        if problems:
            self.failure = "the API fuzz did not run every case: " + "; ".join(problems)
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.failure:
            terminalreporter.write_sep("=", "FUZZ GUARD FAILED", red=True, bold=True)
            terminalreporter.write_line(self.failure, red=True)
