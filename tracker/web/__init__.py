"""The local web app (routes, templates, static files): empty until the web issue."""
