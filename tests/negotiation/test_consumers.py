"""The live board's websocket: outsiders refused, the state on connect, every move broadcast
after commit."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from negotiation import services
from negotiation.models import RoundKind
from negotiation.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)


def run_async(function, *args):
    """Run a coroutine function to its end in a thread of its own: Playwright's sync API keeps
    an event loop in the main thread once a browser test ran, where async_to_sync refuses."""
    # A Redis channel layer binds to the event loop that first received on it: start from a
    # fresh one in this loop, and leave none behind bound to a loop that is gone.
    channel_layers.backends.clear()
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, function(*args)).result()
    finally:
        channel_layers.backends.clear()


def communicator(session, user):
    app = URLRouter(websocket_urlpatterns)
    comm = WebsocketCommunicator(app, f"/ws/onderhandeling/{session.pk}/")
    comm.scope["user"] = user
    return comm


def test_outsider_is_refused(session, stranger):
    run_async(outsider_refused, session, stranger)


async def outsider_refused(session, stranger):
    comm = communicator(session, stranger)
    connected, _code = await comm.connect()
    assert not connected


def test_participant_gets_state_and_moves(session, owner, project_leader):
    run_async(state_and_moves, session, owner, project_leader)


async def state_and_moves(session, owner, project_leader):
    comm = communicator(session, owner)
    connected, _ = await comm.connect()
    assert connected
    first = await comm.receive_json_from(timeout=5)
    assert first == {"type": "state", "board_version": session.board_version}
    await sync_to_async(services.round_open)(
        user=project_leader, session=session, kind=RoundKind.INSIGHT
    )
    message = await comm.receive_json_from(timeout=5)
    assert message["type"] == "move" and message["move"]["kind"] == "round_open"
    await comm.disconnect()
