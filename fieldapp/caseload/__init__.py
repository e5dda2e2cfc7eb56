"""The caseload: the list of the clients one may open (the "Clients" page) and each client's file,
which brings together what every capability holds about the client. A page of its own layer: it
reads the capabilities, none of them reads it."""
