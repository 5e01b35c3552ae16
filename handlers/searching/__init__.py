"""The catalogue as the citizen side searches it: the live index, the result cache and the
public-items cache."""
