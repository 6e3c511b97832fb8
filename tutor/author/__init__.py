"""An author's tools: `tutor check` (with lints, `--json`, `--watch`) and `tutor new`.

This layer sits beside the app and the CLI: it drives `tutor.session` the way
the app and `tutor run` do, so that a lesson `tutor check` calls ok works there.
"""
