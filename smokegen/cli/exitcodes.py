"""Exit codes, the same for every command."""

OK = 0  # clean
FINDINGS = 1  # findings of error severity, or stale generated files
USAGE = 2  # usage or configuration error
INTERNAL = 3  # smokegen itself could not run
