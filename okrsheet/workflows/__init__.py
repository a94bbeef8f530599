"""The commands between quarter ends, one module each, named after the command: ``split``,
``collect`` (and the check-in emails, ``mail``), ``remind``, ``fix`` (and its proof,
``kept``), ``next``, ``diff``, ``merge`` and ``export``. Each reads, calls the domain's rules,
writes, and gives the lines to print (``lines.Line``); the command line only parses options
and prints."""
