"""Open data: the reconciled record as a Frictionless data package (CSV files and datapackage.json),
written by ``unga export`` and offered on the /data page, read back by ``unga import``
(app.ingest.package)."""
