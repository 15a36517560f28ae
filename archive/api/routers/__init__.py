"""One router per kind of record; ``archive.api.app`` mounts them."""
