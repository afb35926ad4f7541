"""Faster copies of third-party internals on the hot path. Each module says
what it replicates, checks at import that the installed library still has
the code it copied (a hash of its source) and falls back to the library's
own function when it does not; tests/replicas/ holds the equivalence test
beside each one."""
