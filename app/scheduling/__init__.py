"""The clock over the run ledger, and the one-owner lock of a data folder."""
