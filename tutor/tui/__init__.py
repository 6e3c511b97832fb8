"""The Textual app (`tutor` with no command): layout, keys and rendering over a lesson run
(`tutor.runtime.lesson_run`); it imports nothing from `tutor.author`."""
