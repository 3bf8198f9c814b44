"""The whole pipeline on S3 (SeaweedFS): publish, approve, deploy; a changed object never loads."""

from __future__ import annotations

import msgspec
import pytest

from store.app import create_app
from store.kit.errors import UpstreamFailure
from tests.support.plugins import BOURG, demo_zip, publish

pytestmark = pytest.mark.s3


async def test_publish_and_deploy_from_s3_and_detect_a_changed_object(settings, seaweed, tmp_path) -> None:
    s3 = msgspec.structs.replace(
        settings,
        storage_backend="s3",
        s3_endpoint_url=seaweed.endpoint,
        s3_bucket=seaweed.bucket,
        s3_access_key=seaweed.access_key,
        s3_secret_key=seaweed.secret_key,
    )
    app = create_app(s3)
    for hook in app.on_startup:
        await hook()
    try:
        state = app.state
        release_id = await publish(state, demo_zip(), tmp_path)
        view = await state.plugin_deployments.deploy(None, BOURG, "demo-service")
        assert view.state == "active"
        record = await state.plugin_publishing.repo.get_release(release_id)
        stored = await state.storage.stat(record.artifact_key)
        assert (stored.sha256, stored.size) == (record.sha256, record.size)
        url = await state.storage.url(record.artifact_key, expires_in=60)
        assert url.startswith(seaweed.endpoint)

        state.storage.client.put_object(
            Bucket=seaweed.bucket, Key=record.artifact_key, Body=demo_zip("9.9.9")
        )
        state.plugin_runtime.unload(release_id)
        await state.plugin_deployments.undeploy(None, BOURG, "demo-service")
        with pytest.raises(UpstreamFailure) as caught:
            await state.plugin_deployments.deploy(None, BOURG, "demo-service")
        assert caught.value.code == "artifact_integrity_failed"
    finally:
        for hook in app.on_shutdown:
            await hook()
        from store.app import all_tables
        from tests.support import db as test_db

        await app.state.db.start()
        await test_db.empty_tables(app.state.db, all_tables())
        await app.state.db.stop()
