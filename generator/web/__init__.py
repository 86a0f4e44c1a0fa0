"""`vanban serve`: the clerk's workspace in the browser, a thin layer over the library the commands use."""
