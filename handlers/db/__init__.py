"""The database of the application: engine and sessions, the bot storage kept in it, change
signals for caches."""
