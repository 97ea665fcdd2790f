"""The service scaffolder: stamps out a new service under services/ from Jinja2 templates."""
