"""`tutor derive` in a child process: ``python -m tutor.symbolic '[EXPR, WRT, AT, JSON]'``.

The command line runs the derivation here, within a time and memory budget
(`tutor.cli.cmd_derive`), so that SymPy on a hostile expression cannot hang it.
"""

import json
import sys

from tutor.untrusted import die_with_parent

die_with_parent()  # before SymPy's import: an orphan stops at once

from tutor.symbolic.command import derive_main  # noqa: E402

expr, wrt, at, as_json = json.loads(sys.argv[1])
sys.exit(derive_main(expr, wrt, at, as_json, sys.stdout, sys.stderr))
