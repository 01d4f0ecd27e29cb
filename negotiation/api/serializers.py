"""Serializers of a negotiation session's outcome and of building blocks."""

from rest_framework import serializers

from negotiation.models import BoardCell, BuildingBlock, Exchange, Session


class CellSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.cbs_code", read_only=True)
    target_group = serializers.CharField(source="target_group.code", read_only=True)

    class Meta:
        model = BoardCell
        fields = ["municipality", "target_group", "year", "fair_share", "number"]


class ExchangeSerializer(serializers.ModelSerializer):
    taker = serializers.CharField(source="taker.cbs_code", read_only=True)
    giver = serializers.CharField(source="giver.cbs_code", read_only=True)
    target_group = serializers.CharField(source="group.code", read_only=True)
    return_target_group = serializers.CharField(
        source="return_group.code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Exchange
        fields = [
            "id",
            "year",
            "taker",
            "giver",
            "target_group",
            "amount",
            "return_target_group",
            "return_amount",
            "building_block",
            "motivation",
            "status",
            "decided_at",
        ]


class BuildingBlockSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.cbs_code", read_only=True)
    municipalities = serializers.SlugRelatedField(many=True, read_only=True, slug_field="cbs_code")
    target_groups = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = BuildingBlock
        fields = [
            "id",
            "title",
            "kind",
            "owner",
            "municipalities",
            "target_groups",
            "homes_added",
            "year",
            "status",
            "session",
        ]


class SessionOutcomeSerializer(serializers.ModelSerializer):
    outcome = CellSerializer(source="cells", many=True, read_only=True)
    exchanges = ExchangeSerializer(many=True, read_only=True)
    building_blocks = BuildingBlockSerializer(many=True, read_only=True)
    adopted = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "id",
            "name",
            "level",
            "first_year",
            "last_year",
            "status",
            "is_practice",
            "board_version",
            "adopted",
            "outcome",
            "exchanges",
            "building_blocks",
        ]

    def get_adopted(self, session) -> bool:
        return hasattr(session, "adoption")
