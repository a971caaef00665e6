"""SQLAlchemy 2 (async, psycopg 3) adapters: ORM models, repositories, the unit of work, the database probe."""

from adapters.sqlalchemy.engine import DatabaseProbe, create_engine, create_session_factory
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork

__all__ = ("DatabaseProbe", "SqlAlchemyUnitOfWork", "create_engine", "create_session_factory")
