"""Development tools, not installed: remake templates/, samples/, the test fixtures and
docs/cli.md, and drive LibreOffice for the real-client tests."""
