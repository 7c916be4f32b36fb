"""The store, its schema, imports, the demonstration data and the sourced facts."""
