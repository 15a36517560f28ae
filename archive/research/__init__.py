"""What researchers take out of the archive: coverage over time, downloads of a search,
comparisons and feeds of a search. Everything here asks ``search.api``, so it works on
either search backend."""
