"""Runs workflows: parameters, steps, conditions, results, retries."""
