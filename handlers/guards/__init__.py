"""Production guards of the bot: the fallback storage wiring, rate limit, outage replies, keyed
hashes of openids."""
