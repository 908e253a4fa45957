"""SQLite's connection on a thread of its own: results come back whole, and counted as SQLAlchemy counts them."""

import threading

import pytest
import sqlalchemy as sa

from bot.store.sqlite_connection import SQLiteConnection

metadata = sa.MetaData()
things = sa.Table("things", metadata, sa.Column("thing_id", sa.Integer, primary_key=True), sa.Column("name", sa.Text))


@pytest.fixture
async def connection(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'things.db'}")
    changed: list[int] = []
    connection = await SQLiteConnection.open(engine, changed.append)
    await connection.run_sync(metadata.create_all)
    await connection.commit()
    connection.changed = changed
    yield connection
    await connection.close()
    engine.dispose()


async def test_every_statement_runs_on_the_connections_own_thread(connection):
    threads = {await connection.call(lambda _: threading.get_ident()) for _ in range(3)}
    assert len(threads) == 1 and threading.get_ident() not in threads


async def test_rows_come_back_whole_through_sqlalchemys_result(connection):
    await connection.execute(sa.insert(things), [{"name": "bar"}, {"name": "plate"}])
    result = await connection.execute(sa.select(things).order_by(things.c.thing_id))
    assert [row["name"] for row in result.mappings()] == ["bar", "plate"]
    assert await connection.scalar(sa.select(sa.func.count()).select_from(things)) == 2
    with pytest.raises(sa.exc.ResourceClosedError):
        (await connection.execute(sa.update(things).values(name="x"))).all()


async def test_a_returning_statement_counts_the_rows_it_returned(connection):
    """sqlite3 counts RETURNING rows as they are fetched: the count is taken after the fetch."""
    await connection.execute(sa.insert(things), [{"name": "bar"}, {"name": "plate"}, {"name": "rack"}])
    deleted = await connection.execute(sa.delete(things).where(things.c.name != "rack").returning(things.c.name))
    assert sorted(deleted.scalars()) == ["bar", "plate"]
    assert deleted.rowcount == 2
    assert connection.changed == [3, 2]


async def test_a_single_insert_gives_its_new_key_as_sqlalchemy_does(connection):
    inserted = await connection.execute(sa.insert(things).values(name="bar"))
    assert tuple(inserted.inserted_primary_key) == (1,)
    returned = await connection.execute(sa.insert(things).values(name="plate").returning(things.c.thing_id))
    assert returned.scalar() == 2
    with pytest.raises(sa.exc.InvalidRequestError):
        _ = returned.inserted_primary_key


async def test_a_failed_savepoint_rolls_back_only_itself(connection):
    await connection.begin()
    await connection.execute(sa.insert(things).values(name="kept"))
    with pytest.raises(RuntimeError):
        async with connection.begin_nested():
            await connection.execute(sa.insert(things).values(name="dropped"))
            raise RuntimeError("the block fails")
    savepoint = await connection.begin_nested()
    await connection.execute(sa.insert(things).values(name="dropped too"))
    await savepoint.rollback()
    await connection.commit()
    assert list((await connection.execute(sa.select(things.c.name))).scalars()) == ["kept"]
