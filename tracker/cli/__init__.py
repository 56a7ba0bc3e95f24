"""The ``tracker`` command line: click commands only (parse, call a service, print).

The entry point is ``tracker.cli.main:main``; this file imports nothing so that
importing one command group stays cheap.
"""
