"""The caseload: the list of the clients one may open (the "Clients" page), each client's file,
which brings together what every capability holds about the client, and the worksites reached
from that page, each with the clients placed there. A page of its own layer: it reads the
capabilities, none of them reads it."""
