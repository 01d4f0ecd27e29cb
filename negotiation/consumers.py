"""The live board's websocket: one group per session; permission checked on connect."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from gmr_thuis.permissions import VIEW, restrict
from negotiation.live import group_name
from negotiation.models import Move, Session


@database_sync_to_async
def _visible_version(user, session_id):
    """The session's board version when `user` may see it, else None (outsiders refused)."""
    session = restrict(Session.objects.filter(pk=session_id), user, VIEW).first()
    return None if session is None else session.board_version


@database_sync_to_async
def _move(move_id):
    move = Move.objects.filter(pk=move_id).first()
    if move is None:
        return None
    return {
        "id": move.pk,
        "kind": move.kind,
        "outcome": move.outcome,
        "user": move.user_name,
        "board_version": move.board_version,
        "time": move.time.isoformat(),
    }


class BoardConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.session_id = int(self.scope["url_route"]["kwargs"]["pk"])
        version = await _visible_version(self.scope.get("user"), self.session_id)
        if version is None:
            await self.close(code=4404)
            return
        await self.channel_layer.group_add(group_name(self.session_id), self.channel_name)
        await self.accept()
        # (Re)connecting: the current state's version, so the page knows whether to refresh.
        await self.send_json({"type": "state", "board_version": version})

    async def disconnect(self, code):
        if hasattr(self, "session_id"):
            await self.channel_layer.group_discard(group_name(self.session_id), self.channel_name)

    async def receive_json(self, content, **kwargs):
        """Participants do not write over the socket: every move goes through the service."""

    async def board_move(self, event):
        move = await _move(event["move"])
        await self.send_json(
            {
                "type": "move",
                "move": move,
                "board_version": move["board_version"] if move else None,
            }
        )
