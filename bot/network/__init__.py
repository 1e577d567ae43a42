"""The network feature: `setup` (a workspace admin creates a network), joining further
workspaces by invitation, schools, network settings, facilitators, `whoami`; the term calendar;
the roster import; and finding the people, schools and names a command mentions.

May import the kernel, delivery, parsing, privacy primitives and `storage`.
"""
