"""The team lead's overview and the organisation's yearly report."""
