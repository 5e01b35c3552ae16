"""The app factory: what a production worker does at start beyond wiring."""

from __future__ import annotations

import zwbot_tests_citizen_kit as kit


async def test_production_workers_freeze_their_startup_objects(sqlite_url):
    import gc

    settings = kit.settings_for(sqlite_url)  # test secrets: production would refuse them
    app = kit.create_app(settings.model_copy(update={"environment": "production"}))
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_freeze_count() > 0  # the index is out of the collector's scans
    finally:
        gc.unfreeze()
