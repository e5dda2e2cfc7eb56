"""The administrator's spreadsheet import: staff, worksites and their contacts, clients and their
current trajectories, from a template, previewed row by row, saved all or nothing."""
