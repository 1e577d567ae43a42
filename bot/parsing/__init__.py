"""Reading what members type: arguments, dates, durations, times of day and time zones, whole
numbers, names, "did you mean" suggestions, and the neutral text markup of replies.

Pure functions over strings: may import nothing else of the bot's and nothing of `storage`.
"""
