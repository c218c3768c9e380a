"""Storage: the schema and its migrations, ownership of the file, the session (connection,
transactions, undo, jobs) and the readers."""
