from __future__ import annotations

import aiohttp

from generation.metrics import Metrics, MetricsServer


async def test_metrics_and_health_are_served_on_loopback() -> None:
    metrics = Metrics()
    metrics.images.inc(3)
    metrics.queue_depth.labels(guild="42").set(2)
    metrics.moderation_blocks.labels(stage="prompt", category="pii").inc()
    healthy = True

    async def health() -> bool:
        return healthy

    server = MetricsServer(metrics, health, host="127.0.0.1", port=0)
    await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{server.port}/metrics") as response:
                body = await response.text()
            assert response.status == 200
            assert "imagine_images_total 3.0" in body
            assert 'imagine_queue_depth{guild="42"} 2.0' in body
            assert 'imagine_moderation_blocks_total{category="pii",stage="prompt"} 1.0' in body
            async with session.get(f"http://127.0.0.1:{server.port}/healthz") as response:
                assert response.status == 200 and (await response.json()) == {"ok": True}
            healthy = False
            async with session.get(f"http://127.0.0.1:{server.port}/healthz") as response:
                assert response.status == 503
    finally:
        await server.close()
