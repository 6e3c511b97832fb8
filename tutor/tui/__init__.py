"""The Textual app (`tutor` with no command): a thin layer over `tutor.session`."""
