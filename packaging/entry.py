"""The frozen executable's entry script: the same `readinglist` command as the console script."""

from readinglist.launcher import main

if __name__ == "__main__":
    raise SystemExit(main())
