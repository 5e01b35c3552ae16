"""Background jobs of the app's lifespan: the periodic loop, the daily duties summary, audit
checkpoints."""
