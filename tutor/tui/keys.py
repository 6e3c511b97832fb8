"""Every key the app binds, in one place.

The answer box keeps the keyboard most of the time, so the lesson keys are
control keys and function keys that a text input leaves alone (not ctrl+a, e,
d, k, u, w, x, c, v, which edit the answer, nor ctrl+h, i, m, which terminals
send for backspace, tab and enter).
"""

# Everywhere
QUIT = "ctrl+q"
HELP = "f1,question_mark"
THEME = "f2"
PALETTE = "ctrl+p"  # Textual's own
RELOAD = "f6"  # read the lesson files again (an author's preview)

# Home
OPEN = "enter"
CONTINUE = "c"
QUIZ = "t"
RESET_HOME = "r"

# Lesson and quiz
NEXT = "ctrl+n"
BACK = "ctrl+b"
HINT = "ctrl+t"
REVEAL = "ctrl+r"
SKIP = "ctrl+s"
DERIVE = "ctrl+l"
ZOOM = "ctrl+g"
TRAINING = "ctrl+o"  # the training view a question is read from
RESET = "f5"
LEAVE = "escape"
SCROLL_UP = "up"  # the answer box leaves up and down alone: they scroll the graph
SCROLL_DOWN = "down"

# Quiz results
RETAKE = "t"
DONE = "escape,enter"
