"""How contested the General Assembly has been over time: one page, its CSV and its JSON twin."""
