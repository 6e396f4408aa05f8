"""The explorer: server-rendered pages over the API for people who will never write `curl`."""
