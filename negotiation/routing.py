from django.urls import path

from negotiation.consumers import BoardConsumer

websocket_urlpatterns = [
    path("ws/onderhandeling/<int:pk>/", BoardConsumer.as_asgi()),
]
