"""The county's publication workflow: rules of the regulations and the services applying them."""
