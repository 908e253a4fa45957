"""SQLite's connection on a thread of its own: results come back whole, and counted as SQLAlchemy
counts them; BEGIN and a transaction's last statements share a hand-off with their neighbours."""

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
    connection.begins = []
    sa.event.listen(engine, "begin", lambda _: connection.begins.append(threading.get_ident()))
    hand_offs = connection.hand_offs = []
    submit = connection._executor.submit
    connection._executor.submit = lambda *arguments: hand_offs.append(1) or submit(*arguments)
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


async def test_begin_goes_with_the_first_statement_in_one_hand_off(connection):
    await connection.begin()
    assert connection.hand_offs == [] and connection.begins == []
    await connection.execute(sa.insert(things).values(name="bar"))
    assert len(connection.hand_offs) == 1
    assert connection.begins == [await connection.call(lambda _: threading.get_ident())]
    await connection.rollback()
    assert await connection.scalar(sa.select(sa.func.count()).select_from(things)) == 0


async def test_a_transaction_that_ran_nothing_costs_no_hand_off(connection):
    await connection.begin()
    await connection.commit()
    await connection.begin()
    await connection.rollback()
    assert connection.hand_offs == [] and connection.begins == []


async def test_commit_runs_the_last_statements_then_commits_in_one_hand_off(connection):
    await connection.begin()
    await connection.execute(sa.insert(things).values(name="bar"))
    await connection.commit([(sa.insert(things), {"name": "plate"}), (sa.insert(things), {"name": "rack"})])
    assert len(connection.hand_offs) == 2
    assert connection.changed == [1, 2]
    assert sorted((await connection.execute(sa.select(things.c.name))).scalars()) == ["bar", "plate", "rack"]


async def test_a_failing_last_statement_leaves_the_whole_transaction_to_roll_back(connection):
    await connection.begin()
    await connection.execute(sa.insert(things).values(name="bar"))
    with pytest.raises(sa.exc.IntegrityError):
        await connection.commit([(sa.insert(things), {"thing_id": 1, "name": "same key"})])
    await connection.rollback()
    assert await connection.scalar(sa.select(sa.func.count()).select_from(things)) == 0
    await connection.execute(sa.insert(things).values(name="the connection still works"))
    await connection.commit()


async def test_writes_inside_run_sync_are_counted(connection):
    def two_statements(sync: sa.Connection) -> None:
        sync.execute(sa.insert(things), [{"name": "bar"}, {"name": "plate"}])
        sync.execute(sa.update(things).values(name="rack"))

    await connection.run_sync(two_statements)
    assert connection.changed == [4]
