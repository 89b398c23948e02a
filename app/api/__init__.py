"""The HTTP workflow API (PRODUCT §6): Starlette on uvicorn, in its own thread.

`routes` is the ASGI application, `openapi` the document it serves,
`waiting` how a `when_done` call waits for its run, `server` the thread that
runs uvicorn beside the scheduler. Everything it does goes through
`app.engine.api_access.ApiAccess`.
"""
