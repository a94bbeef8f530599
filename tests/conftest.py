"""Shared fixtures, and the ``slow`` and ``libreoffice`` marks given by rule.

``pytest -m "not slow"`` is the quick loop; plain ``pytest`` (the README and CI) runs all.
A test is marked, with nothing to write in the test itself:

* ``libreoffice`` and ``slow`` when it lives in ``tests/realclient/`` or uses the
  ``libreoffice`` fixture;
* ``slow`` when it starts a process: its code, or a helper function it calls (at any depth)
  from tests/, scripts/ or benchmarks/, uses the ``subprocess`` module. That covers the CLI
  run as a command, the killed-writer tests and the README's fresh-venv test;
* ``slow`` by hand (``@pytest.mark.slow``) on a test that takes seconds in one process:
  the 200-workbook store round trip, the files at the guard's limits, the hostile corpus.
"""

import os
import shutil
import types

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REALCLIENT = os.path.join(os.path.dirname(__file__), "realclient")
TOOLING = tuple(os.path.join(os.path.dirname(os.path.dirname(__file__)), folder) + os.sep
                for folder in ("tests", "scripts", "benchmarks"))


@pytest.fixture(scope="session")
def libreoffice():
    """LibreOffice headless is required: skipped locally without it, a failure in CI."""
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        if IN_CI:
            pytest.fail("LibreOffice (soffice) is missing in CI; .ci/run must install it")
        pytest.skip("LibreOffice (soffice) is not installed; install libreoffice-calc-nogui")
    return True


def pytest_collection_modifyitems(items):
    for item in items:
        function = getattr(item, "function", None)
        needs_office = (str(item.path).startswith(REALCLIENT)
                        or "libreoffice" in getattr(item, "fixturenames", ()))
        if needs_office:
            item.add_marker(pytest.mark.libreoffice)
        if needs_office or (function is not None and starts_a_process(function)):
            item.add_marker(pytest.mark.slow)


def starts_a_process(function: types.FunctionType) -> bool:
    """Whether ``function``, or a test-side function it calls, uses the ``subprocess`` module."""
    seen: set[types.CodeType] = set()
    waiting = [(function.__code__, function.__globals__)]
    while waiting:
        code, names = waiting.pop()
        if code in seen:
            continue
        seen.add(code)
        if "subprocess" in code.co_names and names.get("subprocess") is not None:
            return True
        # nested code (comprehensions, lambdas, inner functions), then the functions it calls
        waiting += [(const, names) for const in code.co_consts if isinstance(const, types.CodeType)]
        for name in code.co_names:
            helper = names.get(name)
            if (isinstance(helper, types.FunctionType)
                    and helper.__code__.co_filename.startswith(TOOLING)):
                waiting.append((helper.__code__, helper.__globals__))
    return False


@pytest.fixture(scope="module")
def browser():
    """Chromium from the distribution (``apt-get install chromium``), through Playwright."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        executable = None
    if executable is None:
        if IN_CI:
            pytest.fail("Chromium or Playwright is missing in CI; .ci/run must install them")
        pytest.skip("Chromium is not installed; apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, chromium_sandbox=False,
                                             args=["--disable-gpu"])
        yield browser
        browser.close()
