"""``python -m valuechain``: the same as the ``valuechain`` command."""

from valuechain.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
