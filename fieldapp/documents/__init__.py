"""The documents made from a client's file to print, sign or send: the evaluation document and the
hand-over summary for the regional employment service (HTML and PDF)."""
