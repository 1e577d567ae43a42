"""The console adapter: the whole bot in a terminal, playing several people from several
schools. It doubles as the end-to-end test bot (push a line in, read the output)."""
