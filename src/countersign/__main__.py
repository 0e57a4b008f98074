"""Allow ``python -m countersign``."""

from countersign.main import main

raise SystemExit(main())
