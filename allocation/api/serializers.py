"""Serializer of one approved fair-share target."""

from rest_framework import serializers


class TargetSerializer(serializers.Serializer):
    municipality = serializers.CharField(source="cbs_code", help_text="CBS code")
    target_group = serializers.CharField(source="target_group_code")
    year = serializers.IntegerField()
    quota = serializers.IntegerField(help_text="The approved fair share (households).")
    run = serializers.IntegerField(source="run_id", help_text="The approved run it comes from.")
