"""`python -m readinglist` behaves exactly like the `readinglist` command."""

from readinglist.launcher import main

raise SystemExit(main())
