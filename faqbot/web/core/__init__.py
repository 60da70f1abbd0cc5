"""The platform every area stands on: settings, the database (engine, sessions, tables,
migrations), one error shape, authentication and roles, request payload checks, the OpenAPI
building blocks, the shared page layout and stylesheet, and the account commands.

Nothing here imports an area.
"""
