"""The GMR data set, loaded as `make run` loads it."""

import pytest

from municipalities.services import reference_data_load


@pytest.fixture
def gmr_data(db):
    return reference_data_load()
