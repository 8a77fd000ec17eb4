"""``python -m tui`` is ``warden``."""

from tui.cli import main

raise SystemExit(main())
