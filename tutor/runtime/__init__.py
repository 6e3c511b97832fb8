"""What runs under both the app and the author's commands: the budgeted check of a
lesson in a child process (`budget`), the cache of checks passed (`passed`), the
checker the app is given (`checker`), and the recorder that keeps the progress store
in step with a session (`recorder`). Nothing here imports Textual or `tutor.tui`.
"""
