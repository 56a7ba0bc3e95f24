"""The local web app of ``tracker serve``: routes, pages, templates and static files
(docs/design.md, "Web app")."""
