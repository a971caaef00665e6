"""`python -m entrypoints.cli` = `askvideo`."""

from entrypoints.cli.main import main

raise SystemExit(main())
