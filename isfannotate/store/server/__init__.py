"""The team database's SQL, run on its PostgreSQL server (never on a project file): the tables,
roles and policies (``schema``), the rows of a table or a layer and the push in committed
batches (``rows``), the roles and members (``roles``, ``members``), the registry proposals
(``proposals``) and the lead's reads of what changed (``marks``).

Every function takes an open psycopg connection and names what it reads or writes; connecting,
the sync jobs, their reports and the one-line faults are ``isfannotate.teamdb``'s. No module
here imports psycopg: importing ``isfannotate.store`` costs nothing without the ``team`` extra.
"""
