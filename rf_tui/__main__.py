from rf_tui.cli import main

raise SystemExit(main())
