"""`python -m viz`: the `micrograd-nndl` command line."""

from .cli import main

raise SystemExit(main())
