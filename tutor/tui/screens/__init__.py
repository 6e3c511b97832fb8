"""The app's screens, one a file: home, lesson (and quiz), results, and the modals."""
