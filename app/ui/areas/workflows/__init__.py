"""The Workflows area: the list of workflows and the editor of the one selected."""
