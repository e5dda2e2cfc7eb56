"""No personal data in the message of a database error.

An error the database raises ends up in a log: the 500 handler logs its traceback, the scheduler
the failure of a job. SQLAlchemy writes every value of the statement into its message (unless
the engine hides them, ``hide_parameters`` in ``config.py``), and PostgreSQL adds its own detail:
the key that was taken (``Key (email)=(…) already exists``) or the whole row that failed a
constraint, a client's free text included. Here such an error keeps its class, its SQLSTATE and
the names of the table, column and constraint; the values are left to the database's own log.
"""

from __future__ import annotations

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext


def install(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        event.listen(engine, "handle_error", _without_values)


def _without_values(context: ExceptionContext) -> None:
    original = context.original_exception
    if not isinstance(original, psycopg.Error) or original.sqlstate is None:
        return  # not the server's answer (a lost connection): no row or key in it
    message = described(original)
    original.args = (message,)
    wrapped = context.sqlalchemy_exception
    if wrapped is not None:  # its message was made from the original's before this ran
        kind = type(original)
        wrapped.args = (f"({kind.__module__}.{kind.__name__}) {message}",)


def described(error: psycopg.Error) -> str:
    """``SQLSTATE 23505 (table "user", constraint "user_email_key")``: where, never what."""
    diag = error.diag
    names = (
        ("table", diag.table_name),
        ("column", diag.column_name),
        ("constraint", diag.constraint_name),
    )
    where = ", ".join(f'{name} "{value}"' for name, value in names if value)
    return f"SQLSTATE {error.sqlstate}" + (f" ({where})" if where else "")
