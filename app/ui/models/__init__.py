"""Qt table models over the ledger and the catalog."""
