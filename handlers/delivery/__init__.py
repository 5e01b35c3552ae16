"""Messages that leave the bot: customer-service sends, their retry queue, replies held for
later, ticket answers, message logs."""
