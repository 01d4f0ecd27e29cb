"""The GMR data set, loaded as `make run` loads it, and fast password hashing for the many users."""

import pytest

from municipalities.services import reference_data_load


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Users are created in many tests here: the production hasher would only measure the CPU."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def gmr_data(db):
    return reference_data_load()
