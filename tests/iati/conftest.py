from tests.money import money  # noqa: F401  (a fixture)
