import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def libreoffice():
    """LibreOffice headless is required: skipped locally without it, a failure in CI."""
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        if IN_CI:
            pytest.fail("LibreOffice (soffice) is missing in CI; .ci/run must install it")
        pytest.skip("LibreOffice (soffice) is not installed; install libreoffice-calc-nogui")
    return True
