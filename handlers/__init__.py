"""The application: citizen, village and staff routers, web pages, settings, app factory, CLI."""
