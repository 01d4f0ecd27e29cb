"""Live updates: after a move commits, the session's channel group hears of it."""

import asyncio
import threading

from asgiref.sync import async_to_sync
from django.db import transaction


def group_name(session_id):
    return f"negotiation.session.{session_id}"


def broadcast(session_id, move_id):
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return

    def send():
        async_to_sync(layer.group_send)(
            group_name(session_id), {"type": "board.move", "move": move_id}
        )

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        send()  # the usual case: a view or task, no event loop in this thread
    else:
        # A sync caller inside a thread that runs an event loop: async_to_sync may not block
        # that loop's thread, so send from a helper thread.
        helper = threading.Thread(target=send)
        helper.start()
        helper.join()


def broadcast_after_commit(session_id, move_id):
    """Tell the participants only once the move is in the database (never a rolled-back one)."""
    transaction.on_commit(lambda: broadcast(session_id, move_id))
