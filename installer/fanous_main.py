"""The frozen app's entry point: the same `fanous` command as the console script."""

import multiprocessing
import sys

from desktop.launcher import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen child process must not rerun the app
    sys.exit(main())
