"""`python -m readinglist` behaves exactly like the `readinglist` command."""

from readinglist.cli.main import main

raise SystemExit(main())
