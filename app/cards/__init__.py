"""Share cards and embeds: an Open Graph image and a script-free widget for every resolution and country.

What a card shows (and, in words, its alt text) is built beside its page (app/resolutions/share.py,
app/countries/share.py); render.py draws it with Pillow; views.py loads what it needs; pages.py serves the
images (with ETags from the data version) and the /embed/ pages, the only pages other sites may frame
(app/headers.py).
"""
