"""The domain, pure Python: types and values, expressions, workflow definitions."""
