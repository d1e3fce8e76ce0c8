"""The admin area (/admin): the only web write path.

Accounts come from the command line only: ``unga create-admin NAME`` reads the password from a prompt
(or one line of standard input). Settings: ``UNGA_SECRET_KEY`` (required in production, 32+ characters),
``UNGA_SECURE_COOKIES`` (force the Secure flag; it is set anyway over HTTPS),
``UNGA_ADMIN_SESSION_IDLE_MINUTES`` and ``UNGA_ADMIN_SESSION_MAX_HOURS``. Behind a reverse proxy run
uvicorn with ``--proxy-headers`` and ``--forwarded-allow-ips``, or every client shares the proxy's
address for sign-in throttling.

Modules: auth (sessions, throttling, the CSRF/Origin guard), passwords, accounts, forms (reading the
resolution form), rollcall (pasted UN lists, roll-call checks), service (saving, publishing, notes),
states (member-state changes), audit, queries (all SQL), pages (thin handlers).
"""
