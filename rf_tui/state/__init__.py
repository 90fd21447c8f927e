"""Pure state of the client: no UI, no network. Values in, values out."""
