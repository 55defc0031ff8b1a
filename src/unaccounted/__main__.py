"""Allow ``python -m unaccounted``."""

from unaccounted.cli import main

main()
