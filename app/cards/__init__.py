"""Share cards and embeds: an Open Graph image and a script-free widget for every resolution and country.

content.py says what a card shows (and, in words, its alt text) from loaded rows; render.py draws it with
Pillow; views.py loads what it needs; routes.py serves the images (with ETags from the data version) and
the /embed/ pages, the only pages other sites may frame (app/headers.py).
"""
